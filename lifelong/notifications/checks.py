"""System checks (`manage.py check`, and every `migrate`) of how notices and codes go out by SMS.

lifelong.E001: production settings refuse the local SMS backends by name when they load
(config/settings/production.py); this goes further, by class: a backend under another dotted
path that subclasses a local one (a "spool" that writes numbers and sign-in codes to a file, a
console logger) is refused too. It runs only where LOCAL_MESSAGE_BACKENDS_ALLOWED is False, that
is in production; demo, development and tests use the local backends on purpose. (Email's
counterpart, lifelong.E002, is in lifelong.common.checks.)

lifelong.E003: the Alibaba Cloud gateway's templates name only message kinds of this site. The
notice kinds are registered by the apps, so this is checked once they are ready, not while the
settings load.
"""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.utils.module_loading import import_string

from .sms import LocalSmsBackend, unknown_template_problems

ALIYUN_BACKEND = "lifelong.notifications.sms.AliyunSmsBackend"


@register(Tags.security)
def sms_backend_reaches_telephones(app_configs, **kwargs) -> list[Error]:
    """lifelong.E001: an SMS backend that reaches no telephone, only where
    LOCAL_MESSAGE_BACKENDS_ALLOWED is False."""
    if settings.LOCAL_MESSAGE_BACKENDS_ALLOWED:
        return []
    try:
        backend = import_string(settings.SMS_BACKEND)
    except ImportError as error:
        return [Error(f"SMS_BACKEND {settings.SMS_BACKEND!r} cannot be imported: {error}", id="lifelong.E001")]
    if issubclass(backend, LocalSmsBackend):
        return [
            Error(
                f"SMS_BACKEND {settings.SMS_BACKEND} reaches no telephone: it logs, writes to a file, keeps or "
                "drops every message, sign-in codes included.",
                hint=f"Name a real gateway: {ALIYUN_BACKEND}.",
                id="lifelong.E001",
            )
        ]
    return []


@register()
def sms_templates_name_known_kinds(app_configs, **kwargs) -> list[Error]:
    """lifelong.E003: SMS_ALIYUN_TEMPLATES names a notice kind no app registers."""
    if settings.SMS_BACKEND != ALIYUN_BACKEND:
        return []
    return [Error(problem, id="lifelong.E003") for problem in unknown_template_problems(settings.SMS_ALIYUN_TEMPLATES)]
