from django.contrib import admin

from .models import Resource, ResourceStudy


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    """Superusers look resources up here; staff publish them in the console (checked uploads,
    scope, audit), so files and counters are read-only in the admin."""

    list_display = ["title", "kind", "institution", "is_published", "published_at", "view_count", "download_count"]
    list_filter = ["kind", "is_published", "visibility", "category"]
    search_fields = ["title", "title_en"]
    list_select_related = ["institution"]
    readonly_fields = ["file", "content_type", "file_size", "view_count", "download_count", "created_by"]

    def has_add_permission(self, request) -> bool:
        return False  # uploads are checked by content in the console; none bypasses that here


@admin.register(ResourceStudy)
class ResourceStudyAdmin(admin.ModelAdmin):
    list_display = ["resource", "learner", "hours", "studied_at"]
    list_select_related = ["resource", "learner"]
    readonly_fields = ["resource", "learner", "hours", "studied_at"]

    def has_add_permission(self, request) -> bool:
        return False  # a study writes a ledger entry: only the service may make one
