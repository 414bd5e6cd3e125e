"""The passport's answers to signals of the apps below it (connected in PassportConfig.ready())."""

from datetime import datetime

from lifelong.activities.models import Attendance

from . import services


def credit_attendance(sender, *, attendance: Attendance, now: datetime, **kwargs) -> None:
    """A check-in (lifelong.activities.signals.attendance_recorded) earns its learning hours, in
    the check-in's own transaction."""
    services.attendance_credit(attendance=attendance, now=now)
