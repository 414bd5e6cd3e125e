from django import forms

from .errors import DomainError


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's own date-and-time picker (`<input type="datetime-local">`), in county time."""

    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal on the form: on its field when the form has it."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.detail)


def posted_id(value) -> int:
    """An object id sent in a form: a positive integer, or 0 (which matches nothing, so the
    caller answers 404) for anything else, such as "x", "²" or a number too large."""
    try:
        number = int(str(value or "").strip())
    except ValueError:
        return 0
    return number if 0 < number < 2**63 else 0
