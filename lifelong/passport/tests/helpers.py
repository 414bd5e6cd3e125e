import csv
import io
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from lifelong.activities import checkin, services
from lifelong.activities.models import Activity, Attendance, Session
from lifelong.activities.tests.helpers import published_activity


def course(
    demo, *, sessions: int = 5, certificate: bool = True, hours: str = "0", share: int = 80, **extra
) -> Activity:
    """A published course of the Tongyuan community school: `sessions` weekly sessions of 90
    minutes from next week, registration open now."""
    first = (timezone.now() + timedelta(days=7)).replace(second=0, microsecond=0)
    specs = [
        {"starts_at": first + timedelta(days=7 * n), "ends_at": first + timedelta(days=7 * n, minutes=90)}
        for n in range(sessions)
    ]
    fields = {
        "title": "数字生活课堂",
        "title_en": "Digital life class",
        "category": "digital_skills",
        "capacity": 20,
        "hours": Decimal(hours),
        "certificate": certificate,
        "completion_share": share,
        **extra,
    }
    return published_activity(demo, sessions=specs, **fields)


def enrol(activity: Activity, learner) -> None:
    services.registration_create(actor=learner, activity=activity, learner=learner)


def attend(demo, session: Session, learner) -> Attendance:
    """Staff check the learner in five minutes into the session."""
    return checkin.checkin_record(
        actor=demo.organizer, session=session, learner=learner, now=session.starts_at + timedelta(minutes=5)
    )


def course_completed(demo, learner, django_capture_on_commit_callbacks) -> Activity:
    """`learner` completes a one-session certificate course: enrolled, then checked in, whose
    commit issues the certificate (the check-in's on-commit work runs, as in a real request)."""
    activity = course(demo, sessions=1)
    enrol(activity, learner)
    with django_capture_on_commit_callbacks(execute=True):
        attend(demo, activity.sessions.get(), learner)
    return activity


def csv_file(rows, header, encoding: str = "utf-8") -> bytes:
    """A CSV upload: the header row, then `rows`, in `encoding`."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)
