"""Background work for accounts, run by the task worker (`manage.py db_worker`)."""

from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from lifelong.notifications.sms import cut_param, send_sms

from . import codes
from .choices import CodePurpose
from .models import User


@task()
def learner_welcome_sms(learner_id: int) -> None:
    """Tell a learner registered by staff that their account exists. The text names no
    password: staff hand that over in person."""
    learner = User.objects.filter(pk=learner_id, is_active=True).first()
    if learner is None or not learner.phone:
        return
    with translation.override(learner.message_language):
        text = _(
            "Lifelong: %(name)s, staff have registered you for community learning. Sign in with this phone "
            "number and the password staff gave you, then choose your own."
        ) % {"name": learner.name}
    # Its own template, the instructions in the template's wording, not a notice's kind and title.
    send_sms(learner.phone, text, template="welcome", params={"name": cut_param(learner.name)})


@task()
def password_reset_code_send(phone: str, purpose: str) -> None:
    """Text a password-reset code, queued by `self_service.password_reset_request` with the
    number alone: looking the account up and talking to the gateway happen here, so the
    request answers alike, and as fast, for every number. A gateway error is logged by its
    code and dropped (the person asks again); the number is never logged."""
    if purpose != CodePurpose.PASSWORD_RESET:
        raise ValueError(f"unknown code purpose {purpose!r}")
    password_reset_code_deliver(phone=phone)


def password_reset_code_deliver(*, phone: str) -> bool:
    """The task's half of a reset request: text a code to `phone` if an active account uses
    it (the message was counted by the request). Returns whether a code went out."""
    user = User.objects.filter(phone=phone, is_active=True).first()
    if user is None:
        return False
    with translation.override(user.message_language):
        return codes.code_deliver(
            phone=phone,
            purpose=CodePurpose.PASSWORD_RESET,
            user=user,
            text=lambda code: (
                _(
                    "Lifelong: your code to reset your password is %(code)s. It is valid for 10 minutes. "
                    "If you did not ask for it, ignore this message."
                )
                % {"code": code}
            ),
        )
