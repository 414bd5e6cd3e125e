from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEvent


def superuser_only(request: HttpRequest) -> bool:
    """Django admin is for superusers only (scoped staff work happens in /console/), and they
    too must have passed two-factor where it is required."""
    user = request.user
    verified = not settings.STAFF_TWO_FACTOR_REQUIRED or user.is_verified()
    return user.is_active and user.is_superuser and verified


admin.site.has_permission = superuser_only


class ReadOnlyAdmin(admin.ModelAdmin):
    """For rows only the services write (scope, locks, audit, notices): the Django admin shows
    them and adds, changes or deletes none."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "actor", "action", "object_type", "object_id", "success", "ip_address"]
    list_filter = ["action", "success"]
    list_select_related = ["actor"]
