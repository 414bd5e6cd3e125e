"""`/console/activities/<id>/message/` and `/console/activities/<id>/roster.<csv|xlsx>`: an
activity's staff write to its learners and take its roster away as a spreadsheet. The
activity is looked up through the scoped selector (404 outside scope); the work is done by
`participants`."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from lifelong.accounts.decorators import staff_required
from lifelong.common import exports
from lifelong.common.errors import DomainError
from lifelong.common.forms import add_domain_error

from . import participants, selectors
from .models import Activity


class MessageForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Message"),
        max_length=participants.MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Sent as it is by app notice and SMS, with your name and the activity's title. At most 300 characters."
        ),
    )
    include_waitlisted = forms.BooleanField(
        label=gettext_lazy("Also tell those on the waitlist or waiting for approval"), required=False
    )


def _managed_or_404(request: HttpRequest, pk: int) -> Activity:
    activity = selectors.activity_managed(actor=request.user, activity_id=pk)
    if activity is None:
        raise Http404
    return activity


@staff_required
def activity_message(request: HttpRequest, pk: int) -> HttpResponse:
    """Write to the activity's learners; the page shows who would be told, what was sent
    before, and when the next message may go."""
    activity = _managed_or_404(request, pk)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sent = participants.activity_message_send(
                actor=request.user,
                activity=activity,
                text=form.cleaned_data["text"],
                include_waitlisted=form.cleaned_data["include_waitlisted"],
                request=request,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("Your message is on its way to %(n)s people, by app notice and SMS.") % {"n": sent.recipients},
            )
            return redirect("console:activity_message", pk=pk)
    counts = selectors.roster_counts(activity=activity)
    return render(
        request,
        "activities/console/message.html",
        {
            "activity": activity,
            "form": form,
            "registered": sum(counts[s] for s in participants.REGISTERED_STATUSES),
            "waiting": sum(counts[s] for s in participants.WAITING_STATUSES),
            "sent": participants.messages_sent(activity=activity),
            "next_allowed": participants.message_allowance(activity=activity, now=timezone.now()),
            "per_day": participants.MESSAGES_PER_DAY,
        },
    )


@staff_required
@require_GET
def roster_export(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    """The roster as CSV or XLSX; the file is named by the activity's id only (no names in
    addresses or downloads folders' listings), and every export is audited."""
    activity = _managed_or_404(request, pk)
    table = participants.roster_table(actor=request.user, activity=activity)
    participants.roster_export_record(
        actor=request.user, activity=activity, table=table, file_format=file_format, request=request
    )
    if file_format == "xlsx":
        response = HttpResponse(exports.xlsx_bytes(table), content_type=exports.XLSX_TYPE)
    else:
        response = HttpResponse(exports.csv_bytes(table), content_type=exports.CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="roster-{activity.pk}.{file_format}"'
    return response
