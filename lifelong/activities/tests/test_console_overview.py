"""The activity manage page's overview: seats, people waiting for approval and on the waitlist
as figures, the approval queue apart from the roster, and no roster table when nobody came."""

import re

from lifelong.activities import services

from .helpers import new_learner, published_activity


def tile(page: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}">.*?<span class="ll-stat__value">([^<]*)</span>', page, re.S)
    assert match, testid
    return match.group(1).strip()


def test_the_overview_counts_seats_approvals_and_the_waitlist(demo, verified_client):
    approval = published_activity(demo, title="要审批的课", capacity=5, requires_approval=True)
    full = published_activity(demo, title="满员的课", capacity=1)
    waiting = new_learner(demo, name="待批学员")
    services.registration_create(actor=waiting, activity=approval, learner=waiting)
    for _ in range(3):
        learner = new_learner(demo)
        services.registration_create(actor=learner, activity=full, learner=learner)
    staff = verified_client(demo.organizer)

    page = staff.get(f"/console/activities/{approval.pk}/").content.decode()
    assert tile(page, "stat-pending") == "1" and tile(page, "stat-waitlist") == "0"
    assert 'data-testid="approval-queue"' in page and "待批学员" in page

    page = staff.get(f"/console/activities/{full.pk}/").content.decode()
    assert tile(page, "stat-seats") == "1 / 1" and tile(page, "stat-seats-left") == "0"
    assert tile(page, "stat-waitlist") == "2" and tile(page, "stat-pending") == "0"
    assert 'data-testid="approval-queue"' not in page


def test_an_activity_nobody_registered_for_says_so(demo, verified_client):
    activity = published_activity(demo, title="新开的课")
    page = verified_client(demo.organizer).get(f"/console/activities/{activity.pk}/").content.decode()
    assert 'data-testid="roster-empty"' in page and 'data-testid="roster"' not in page
