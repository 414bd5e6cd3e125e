from django.contrib import admin

from .models import Institution, Venue


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "name_en"]
    list_select_related = ["region"]


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "institution", "capacity", "is_active"]
    search_fields = ["name", "name_en"]
    list_select_related = ["institution"]
