from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from lifelong.activities import checkin, services
from lifelong.activities.models import Activity, Attendance, Session
from lifelong.campaigns.services import campaign_proposal_decide
from lifelong.institutions.models import Institution


def course(
    demo, *, sessions: int = 5, certificate: bool = True, hours: str = "0", share: int = 80, **extra
) -> Activity:
    """A published course of the Tongyuan community school: `sessions` weekly sessions of 90
    minutes from next week, registration open now."""
    now = timezone.now()
    school = Institution.objects.get(kind="community_school", region__code="330424105")
    first = (now + timedelta(days=7)).replace(second=0, microsecond=0)
    specs = [
        {"starts_at": first + timedelta(days=7 * n), "ends_at": first + timedelta(days=7 * n, minutes=90)}
        for n in range(sessions)
    ]
    fields = {
        "title": "数字生活课堂",
        "title_en": "Digital life class",
        "category": "digital_skills",
        "audiences": ["elderly"],
        "capacity": 20,
        "reserved_offline": 0,
        "registration_opens": now - timedelta(days=1),
        "registration_closes": now + timedelta(days=6),
        "waitlist": True,
        "offer_hours": 0,
        "hours": Decimal(hours),
        "certificate": certificate,
        "completion_share": share,
        **extra,
    }
    activity = services.activity_create(actor=demo.organizer, institution=school, sessions=specs, **fields)
    if activity.campaign_id:
        campaign_proposal_decide(actor=demo.county_admin, activity=activity, accept=True)
    return services.activity_publish(actor=demo.county_admin, activity=activity)


def enrol(activity: Activity, learner) -> None:
    services.registration_create(actor=learner, activity=activity, learner=learner)


def attend(demo, session: Session, learner) -> Attendance:
    """Staff check the learner in five minutes into the session."""
    return checkin.checkin_record(
        actor=demo.organizer, session=session, learner=learner, now=session.starts_at + timedelta(minutes=5)
    )
