from django.contrib import admin

from .models import RoleGrant, User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["name", "phone", "home_region", "is_active", "is_superuser"]
    search_fields = ["name", "phone"]
    list_select_related = ["home_region"]
    exclude = ["password", "user_permissions", "groups"]
    readonly_fields = ["last_login", "date_joined"]


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "region", "institution", "granted_at"]
    list_filter = ["role"]
    list_select_related = ["user", "region", "institution"]
