from django.contrib import admin
from django.contrib.admin import ShowFacets
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from lifelong.common.admin_search import PostedSearchAdmin

from .models import SmsMessage
from .sms import phone_digest


@admin.register(SmsMessage)
class SmsMessageAdmin(PostedSearchAdmin):
    """What became of each text message handed to the SMS provider, for staff: a notice's SMS
    that fails leaves the notice in the app and is logged, and this list is where the failures
    are counted (filter by status: the count shows beside each value) and their provider error
    codes read. Rows are written by the gateway and its delivery receipts only, so nothing is
    added or changed here. The number is shown masked; a full number typed into the search
    finds its messages through the keyed hash (the search is POSTed: numbers stay out of URLs)."""

    list_display = ["created_at", "phone_masked", "template", "status", "error_code", "sent_at", "reported_at"]
    list_filter = ["status", "template", "error_code", "provider"]
    show_facets = ShowFacets.ALWAYS  # the count of failed messages, at a glance
    date_hierarchy = "created_at"
    search_fields = ["out_id", "biz_id", "error_code"]
    search_help_text = _("A full phone number, an OutId, a BizId or an error code")
    readonly_fields = ["notification"]
    fields = [
        "phone_masked",
        "template",
        "status",
        "error_code",
        "provider",
        "out_id",
        "biz_id",
        "request_id",
        "notification",
        "created_at",
        "sent_at",
        "reported_at",
    ]

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):
        digits = search_term.strip().removeprefix("+86")
        if digits.isdigit() and len(digits) == 11:
            return queryset.filter(phone_digest=phone_digest(digits)), False
        return super().get_search_results(request, queryset, search_term)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
