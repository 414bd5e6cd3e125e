from django.contrib import admin

from .models import Article, ArticleRevision


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    """Superusers look articles up here; editors and reviewers work in the console, where the
    body is cleaned, the review is enforced and every step is audited, so nothing is edited
    here."""

    list_display = ["title", "channel", "region", "status", "published_at", "view_count"]
    list_filter = ["channel", "status"]
    search_fields = ["title", "title_en"]
    list_select_related = ["region"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ArticleRevision)
class ArticleRevisionAdmin(admin.ModelAdmin):
    list_display = ["article", "number", "saved_by", "saved_at"]
    list_select_related = ["article", "saved_by"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
