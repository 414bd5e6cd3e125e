from django.contrib import admin

from lifelong.common.admin import ReadOnlyAdmin
from lifelong.common.admin_search import PostedSearchAdmin
from lifelong.common.masking import mask_phone

from .models import RoleGrant, User


@admin.register(User)
class UserAdmin(PostedSearchAdmin):
    """Superusers may block or unblock an account here; everything else goes through the
    console's services, which check scope and write the audit log. The name search is POSTed:
    names stay out of URLs."""

    list_display = ["name", "masked_phone", "home_region", "is_active", "is_superuser"]
    search_fields = ["name"]
    list_select_related = ["home_region"]
    fields = ["name", "masked_phone", "home_region", "birth_year", "is_active", "last_login", "date_joined"]
    readonly_fields = ["name", "masked_phone", "home_region", "birth_year", "last_login", "date_joined"]

    @admin.display(description="phone")
    def masked_phone(self, user: User) -> str:
        return mask_phone(user.phone)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RoleGrant)
class RoleGrantAdmin(ReadOnlyAdmin):
    """Read-only: roles are granted and removed in the console, where rank and scope rules
    and the audit log apply."""

    list_display = ["user", "role", "region", "institution", "granted_at"]
    list_filter = ["role"]
    list_select_related = ["user", "region", "institution"]
