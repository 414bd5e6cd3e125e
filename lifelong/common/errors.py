"""The one error contract: services raise `DomainError` subclasses with a stable `code`.

The API turns them into `{"detail", "code"}` with the error's status; pages show `detail`
as a form error. `code` values are part of the public API and never change meaning.
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status = 400
    code = "invalid"
    default_detail = _("The request could not be processed.")

    def __init__(self, detail: str | None = None, *, code: str | None = None, field: str | None = None):
        self.detail = str(detail or self.default_detail)
        if code:
            self.code = code
        self.field = field
        super().__init__(self.detail)


class InvalidInput(DomainError):
    status = 422
    code = "invalid"


class NotFound(DomainError):
    """Also raised for objects outside the actor's scope, so scope never leaks existence."""

    status = 404
    code = "not_found"
    default_detail = _("Not found.")


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    default_detail = _("You may not do this.")


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Busy(Conflict):
    """A row this needs stayed locked by others longer than the lock wait limit
    (`LOCK_TIMEOUT_MS`); nothing was changed and the same request may simply be sent again.
    Raised by `lifelong.common.locking.short_lock_wait`."""

    code = "busy_try_again"
    default_detail = _("Many people are doing this right now; please try again in a moment.")


class NotAuthenticated(DomainError):
    status = 401
    code = "not_authenticated"
    default_detail = _("Sign in first.")


class Throttled(DomainError):
    """An account has used up its allowance of an action for now; `detail` says when to try
    again. Counted per account, never per address (a village hall shares one)."""

    status = 429
    code = "throttled"
    default_detail = _("Too many requests for now. Try again later.")


class Locked(DomainError):
    status = 429
    code = "locked"
    default_detail = _("Too many failed sign-ins. The account is locked for a while; try again later.")
