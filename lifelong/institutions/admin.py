from django.contrib import admin

from lifelong.common.admin import ReadOnlyAdmin

from .models import Institution, Venue, VenueBooking


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


@admin.register(VenueBooking)
class VenueBookingAdmin(ReadOnlyAdmin):
    """Read-only: bookings are made and cancelled through the services (clash checks, audit)."""

    list_display = ["venue", "starts_at", "ends_at", "purpose", "booked_by"]
    list_select_related = ["venue", "booked_by"]
    date_hierarchy = "starts_at"
