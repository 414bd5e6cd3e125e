from django.contrib import admin

from lifelong.common.admin import ReadOnlyAdmin

from .models import Honor, HonorCall, Nomination, Review

# Calls, nominations, reviews and awards go through the services (scope, locks, audit,
# notices); the Django admin only shows them.


@admin.register(Honor)
class HonorAdmin(ReadOnlyAdmin):
    list_display = ["title", "level", "year", "recipient_kind", "awarding_body"]
    list_filter = ["level", "recipient_kind", "year"]
    search_fields = ["title", "title_en", "awarding_body"]


@admin.register(HonorCall)
class HonorCallAdmin(ReadOnlyAdmin):
    list_display = ["title", "level", "year", "region", "status", "opens_on", "closes_on"]
    list_filter = ["status", "level", "year"]
    list_select_related = ["region"]


@admin.register(Nomination)
class NominationAdmin(ReadOnlyAdmin):
    list_display = ["call", "recipient_kind", "status", "nominated_by", "created_at"]
    list_filter = ["status", "recipient_kind"]
    list_select_related = ["call", "nominated_by"]


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["nomination", "reviewer", "score", "created_at"]
    list_select_related = ["nomination", "reviewer"]
