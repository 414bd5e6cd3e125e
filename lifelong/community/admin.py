from django.contrib import admin

from .models import Programme, Team, TeamMembership


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "town", "level", "started_year", "ended_year"]
    list_filter = ["level"]
    search_fields = ["name", "name_en", "slug"]
    list_select_related = ["town"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "leader", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "name_en"]
    list_select_related = ["region", "leader"]
    raw_id_fields = ["leader"]


@admin.register(TeamMembership)
class TeamMembershipAdmin(admin.ModelAdmin):
    """Read-only: people join, are let in and leave through the services (constraint, notices)."""

    list_display = ["team", "user", "status", "requested_at", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["team", "user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
