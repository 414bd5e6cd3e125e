from django.contrib import admin

from .models import Honor, HonorCall, Nomination, Review


class ReadOnlyAdmin(admin.ModelAdmin):
    """Calls, nominations, reviews and awards go through the services (scope, locks, audit,
    notices); the Django admin only shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
