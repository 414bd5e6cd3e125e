"""System checks (`manage.py check`, and every `migrate`): where production sends email.

Production settings refuse the local email backends by name when they load
(config/settings/production.py). This check goes further, by class: a backend under another
dotted path that subclasses a local one (a file "spool", a console logger) is refused too. It
runs only where LOCAL_MESSAGE_BACKENDS_ALLOWED is False, that is in production; demo,
development and tests use the local backends on purpose. (SMS's counterpart, lifelong.E001, is
in lifelong.notifications.checks.)

Plain imports only at module level: production.py imports LOCAL_EMAIL_BACKENDS from here while
the settings load.
"""

from django.core.checks import Error, Tags, register

# Email backends that print or keep every message on this machine. Codes never go by email
# (lifelong.accounts.codes sends them by SMS only), but a notice's text names people and
# activities, and DESIGN §4 keeps personal data out of logs and files.
LOCAL_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
}


def _local_email_classes() -> tuple[type, ...]:
    from django.utils.module_loading import import_string

    return tuple(import_string(path) for path in sorted(LOCAL_EMAIL_BACKENDS))


def _backend(setting: str, path: str, check_id: str) -> tuple[type | None, list[Error]]:
    from django.utils.module_loading import import_string

    try:
        return import_string(path), []
    except ImportError as error:
        return None, [Error(f"{setting} {path!r} cannot be imported: {error}", id=check_id)]


@register(Tags.security)
def email_backend_keeps_no_mail(app_configs, **kwargs) -> list[Error]:
    """lifelong.E002: an email backend that keeps mail on this machine, only where
    LOCAL_MESSAGE_BACKENDS_ALLOWED is False."""
    from django.conf import settings

    if settings.LOCAL_MESSAGE_BACKENDS_ALLOWED:
        return []
    email, errors = _backend("EMAIL_BACKEND", settings.EMAIL_BACKEND, "lifelong.E002")
    if email is not None and issubclass(email, _local_email_classes()):
        errors.append(
            Error(
                f"EMAIL_BACKEND {settings.EMAIL_BACKEND} prints or keeps every email on this machine.",
                hint="Use django.core.mail.backends.smtp.EmailBackend (or the dummy backend to send none).",
                id="lifelong.E002",
            )
        )
    return errors
