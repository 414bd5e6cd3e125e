"""Console pages where staff correct a learner's details, merge two records of one person, and
confirm where a family's relative lives.

Searches and the chosen second record travel in POST bodies, never in URLs, so names and
numbers stay out of browser history and access logs (DESIGN §4).
"""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from lifelong.common.errors import DomainError, InvalidInput, NotFound
from lifelong.common.forms import add_domain_error, posted_id
from lifelong.common.masking import mask_phone
from lifelong.common.paging import page_of
from lifelong.regions.models import Region

from . import learner_details, merging, residence, selectors
from .decorators import staff_required
from .forms import BirthYearField, VillageChoiceField
from .models import User
from .phone import normalize_phone

# Forms of these two pages only; they live beside their views.


class LearnerEditForm(forms.Form):
    """The details staff may correct. The current number is shown masked, never filled in:
    a new number replaces it, and removing it is a choice of its own."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=50)
    home_region = VillageChoiceField(label=gettext_lazy("Home village or community"), queryset=Region.objects.none())
    birth_year = BirthYearField(required=False)
    phone = forms.CharField(
        label=gettext_lazy("New mobile number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    clear_phone = forms.BooleanField(
        label=gettext_lazy("Remove the mobile number (the person no longer has it)"), required=False
    )

    def __init__(self, *args, villages, current_phone: str | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_region"].queryset = villages
        if current_phone:
            self.fields["phone"].help_text = _("Leave empty to keep %(phone)s.") % {"phone": mask_phone(current_phone)}
        else:
            self.fields["phone"].label = _("Mobile number")
            self.fields["phone"].help_text = _("Leave empty while the person has no phone.")
            del self.fields["clear_phone"]

    def clean(self):
        data = super().clean()
        if data.get("clear_phone") and data.get("phone"):
            raise forms.ValidationError(_("Either enter a new number or remove the number, not both."))
        return data


class MergeSearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Name or mobile number of the other record"), max_length=50)


@staff_required
def learner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    learner = selectors.learner_get(actor=request.user, learner_id=pk)
    if learner is None:
        raise Http404
    form = LearnerEditForm(
        request.POST or None,
        villages=selectors.villages_in_scope(actor=request.user),
        current_phone=learner.phone,
        initial={"name": learner.name, "home_region": learner.home_region_id, "birth_year": learner.birth_year},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {"name": data["name"], "home_region": data["home_region"], "birth_year": data["birth_year"]}
        if data.get("clear_phone"):
            fields["phone"] = ""
        elif data["phone"]:
            fields["phone"] = data["phone"]
        try:
            learner_details.learner_update(actor=request.user, learner=learner, request=request, **fields)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The details of %(name)s have been saved.") % {"name": fields["name"]})
            return redirect("console:learners")
    return render(
        request, "accounts/console/learner_edit.html", {"learner": learner, "form": form, "refusal": _refusal(learner)}
    )


def _refusal(learner: User) -> str:
    """Why this record cannot be edited or merged here (a staff account, a closed record), so
    the page says so before anyone fills in a form; the services refuse the same way."""
    try:
        learner_details.require_plain_learner(learner)
    except DomainError as error:
        return error.detail
    return ""


SEARCH_RESULTS_SHOWN = 20


def _candidates(actor: User, learner: User, query: str) -> list[User]:
    """Other active records in the actor's scope matching a name or a mobile number."""
    learners = selectors.learner_list(actor=actor).filter(is_active=True).exclude(pk=learner.pk)
    try:
        phone = normalize_phone(query)
    except InvalidInput:
        learners = learners.filter(name__icontains=query.strip())
    else:
        learners = learners.filter(phone=phone)
    return list(learners[:SEARCH_RESULTS_SHOWN])


def _side(learner: User) -> dict:
    return {"learner": learner, "holds": merging.merge_preview(learner=learner)}


def _summary_text(summary: list[tuple[str, int]]) -> str:
    separator = pgettext("between items of a list", ", ")
    return separator.join(_("%(count)d %(what)s") % {"what": what, "count": count} for what, count in summary)


@staff_required
def learner_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Find the other record of the same person, compare the two side by side, and merge
    (the record not kept is closed; everything it holds moves to the one kept)."""
    learner = selectors.learner_get(actor=request.user, learner_id=pk)
    if learner is None:
        raise Http404
    intent = request.POST.get("intent") if request.method == "POST" else None
    search = MergeSearchForm(request.POST if intent == "search" else None)
    context: dict = {"learner": learner, "search": search, "this": _side(learner), "refusal": _refusal(learner)}
    if intent == "search" and search.is_valid():
        context["candidates"] = _candidates(request.user, learner, search.cleaned_data["q"])
        context["searched"] = True
    elif intent in ("compare", "merge"):
        other = selectors.learner_get(actor=request.user, learner_id=posted_id(request.POST.get("other")))
        if other is None or other.pk == learner.pk or not other.is_active:
            messages.error(request, _("That record was not found among the learners you look after."))
            return render(request, "accounts/console/learner_merge.html", context, status=404 if other is None else 422)
        keep_id = (
            posted_id(request.POST.get("keep"))
            if intent == "merge"
            else (other.pk if other.phone and not learner.phone else learner.pk)
        )
        context.update({"other": _side(other), "keep_id": keep_id})
        if intent == "merge":
            if keep_id not in (learner.pk, other.pk):
                context["merge_error"] = _("Choose which record to keep.")
                return render(request, "accounts/console/learner_merge.html", context, status=422)
            keep, remove = (learner, other) if keep_id == learner.pk else (other, learner)
            try:
                result = merging.learner_merge(actor=request.user, keep=keep, remove=remove, request=request)
            except DomainError as error:
                context["merge_error"] = error.detail
                return render(request, "accounts/console/learner_merge.html", context, status=error.status)
            if result.summary:
                text = _("Merged: %(moved)s moved to %(name)s.") % {
                    "moved": _summary_text(result.summary),
                    "name": keep.name,
                }
            else:
                text = _("Merged: nothing needed to move; the other record of %(name)s is closed.") % {
                    "name": keep.name
                }
            messages.success(request, text)
            return redirect("console:learners")
    return render(request, "accounts/console/learner_merge.html", context)


# --- Where a family's relative lives -----------------------------------------------------------


def _residence_page(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    page = page_of(request, residence.relatives_to_confirm(actor=request.user))
    return render(request, "accounts/console/residence_queue.html", {"page": page, "error": error}, status=status)


@staff_required
def residence_queue(request: HttpRequest) -> HttpResponse:
    """Relatives a family member added in the actor's area, waiting for staff to confirm that
    they live where the family said (one button each to confirm or decline)."""
    return _residence_page(request)


RESIDENCE_DECISIONS = {"confirm": True, "decline": False}


@staff_required
@require_POST
def residence_decide(request: HttpRequest, pk: int) -> HttpResponse:
    decision = request.POST.get("decision")
    if decision not in RESIDENCE_DECISIONS:
        return _residence_page(request, error=_("Choose to confirm or to decline."), status=422)
    try:
        relative = residence.residence_decide(
            actor=request.user, learner_id=pk, confirm=RESIDENCE_DECISIONS[decision], request=request
        )
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        return _residence_page(request, error=error.detail, status=error.status)
    values = {"name": relative.name, "village": relative.home_region.display_name if relative.home_region else ""}
    if RESIDENCE_DECISIONS[decision]:
        text = _("Confirmed: %(name)s lives in %(village)s. Their family member has been told.") % values
    else:
        text = _("Declined for %(name)s (%(village)s). Their family member has been told.") % values
    messages.success(request, text)
    return redirect("console:residence_queue")
