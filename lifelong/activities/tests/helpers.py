from datetime import datetime, timedelta

from django.utils import timezone

from lifelong.accounts.models import User
from lifelong.activities import services
from lifelong.activities.choices import RegistrationStatus
from lifelong.activities.models import Activity, Registration, Session
from lifelong.campaigns.services import campaign_proposal_decide
from lifelong.institutions.models import Institution

_phone_counter = iter(range(10_000, 99_999))


def draft_activity(demo, *, sessions: list[dict] | None = None, **overrides) -> Activity:
    """A draft activity of the Tongyuan community school, created by its organizer: open for
    registration now, its one session next week (unless `sessions` are given)."""
    now = timezone.now()
    school = Institution.objects.get(kind="community_school", region__code="330424105")
    fields = {
        "title": "太极入门",
        "category": "health",
        "audiences": ["elderly"],
        "capacity": 3,
        "reserved_offline": 0,
        "registration_opens": now - timedelta(days=1),
        "registration_closes": now + timedelta(days=6),
        "waitlist": True,
        "offer_hours": 0,
        "hours": 2,
        **overrides,
    }
    if sessions is None:
        sessions = [{"starts_at": now + timedelta(days=7), "ends_at": now + timedelta(days=7, hours=2)}]
    return services.activity_create(actor=demo.organizer, institution=school, sessions=sessions, **fields)


def published_activity(demo, **overrides) -> Activity:
    """`draft_activity`, published by the county admin (a campaign's after it accepted it)."""
    activity = draft_activity(demo, **overrides)
    if activity.campaign_id:
        campaign_proposal_decide(actor=demo.county_admin, activity=activity, accept=True)
    return services.activity_publish(actor=demo.county_admin, activity=activity)


def under_way(session: Session) -> Session:
    """`session` moved to have begun five minutes ago, for an hour more: check-in is open."""
    session.starts_at = timezone.now() - timedelta(minutes=5)
    session.ends_at = timezone.now() + timedelta(hours=1)
    session.save()
    return session


def form_time(moment: datetime) -> str:
    """A moment as a datetime-local form field holds it (county time, to the minute)."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def new_learner(demo, **fields) -> User:
    phone = f"1370{next(_phone_counter):07d}"
    defaults = {"name": f"学员{phone[-4:]}", "home_region": demo.elder_learner.home_region, "birth_year": 1955}
    return User.objects.create_user(phone, "learner-pass-1", **{**defaults, **fields})


def assert_counters_match(activity: Activity) -> None:
    """The seat counters equal the registrations that hold seats, and nothing is overbooked."""
    activity.refresh_from_db()
    holding = Registration.objects.filter(
        activity=activity, status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED]
    )
    assert activity.seats_taken == holding.count() <= activity.capacity
    assert activity.seats_taken_online == sum(r.counts_online for r in holding)  # online and family ones
    assert activity.seats_taken_online <= activity.capacity - activity.reserved_offline
    positions = list(
        Registration.objects.filter(activity=activity, status=RegistrationStatus.WAITLISTED).values_list(
            "waitlist_position", flat=True
        )
    )
    assert len(positions) == len(set(positions))


def edit_form_data(activity: Activity, **overrides) -> dict:
    """What the console's edit page posts when nothing is changed (the form as it is shown),
    with `overrides` on top: a test changes only what it is about."""
    from django.db.models import Model

    from lifelong.activities.forms import ActivityEditForm, SessionEditFormSet, session_initial
    from lifelong.institutions.models import Venue

    form = ActivityEditForm(activity=activity, venues=Venue.objects.all(), may_override=True)
    data: dict = {}

    def put(name, value):
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, datetime):
            shown = timezone.localtime(value) if timezone.is_aware(value) else value  # the form's own is local
            data[name] = shown.strftime("%Y-%m-%dT%H:%M")
        elif isinstance(value, Model):
            data[name] = value.pk
        elif value is None:
            data[name] = ""
        else:
            data[name] = value

    for name in form.fields:
        if name in ("cover_upload", "cover_clear", "over_venue_capacity"):
            continue
        put(name, form[name].value())
    rows = session_initial(activity)
    formset = SessionEditFormSet(prefix="sessions", initial=rows, form_kwargs={"venues": Venue.objects.all()})
    data.update(
        {
            "sessions-TOTAL_FORMS": str(len(formset.forms)),
            "sessions-INITIAL_FORMS": str(len(rows)),
            "sessions-MIN_NUM_FORMS": "0",
            "sessions-MAX_NUM_FORMS": "200",
        }
    )
    for index, row in enumerate(rows):
        for name, value in row.items():
            put(f"sessions-{index}-{name}", value)
    return {**data, **overrides}
