from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import Audience, Category


class CatalogueFilterForm(forms.Form):
    """The catalogue's filters; anything unreadable is simply ignored (no error page)."""

    q = forms.CharField(label=_("Search"), max_length=50, required=False)
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("All categories")), *Category.choices], required=False
    )
    audience = forms.ChoiceField(label=_("For"), choices=[("", _("Everyone")), *Audience.choices], required=False)
    available = forms.BooleanField(label=_("Only with seats left"), required=False)
