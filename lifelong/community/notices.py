"""The notices about learning teams: their kinds, words and links, rendered in the recipient's
language when the notice is made (`params` carry the `team_id`, and a request the asker's
`name`). Registered with lifelong.notifications when this module is imported
(CommunityConfig.ready()); the codes are stored in notices, so they never change."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy

from lifelong.notifications.registry import NoticeContext, register

from .models import Team

WORDS = {
    "team_request": gettext_lazy("%(name)s asks to join “%(team)s”. Let them in or decline on the team's page."),
    "team_approved": gettext_lazy("Welcome: you are now a member of “%(team)s”."),
    "team_declined": gettext_lazy("Your request to join “%(team)s” was declined."),
}


def _load_team(*, activity_id: int | None, params: dict[str, Any]) -> Team | None:
    return Team.objects.filter(pk=params.get("team_id")).first()


def _team_notice(context: NoticeContext) -> tuple[str, str]:
    """A team notice names the team in the recipient's language (the caller has switched to
    it) and, for the leader, the person asking; it links to the team's page."""
    team = context.about
    text = str(WORDS[context.kind]) % {"team": team.display_name, "name": context.params.get("name", "")}
    return text, reverse("community:team", args=[team.pk])


def _team_kind(code: str, label, *, icon: str):
    return register(code, label=label, render=_team_notice, load=_load_team, icon=icon)


TEAM_JOIN_REQUESTED = _team_kind("team_request", gettext_lazy("Someone asks to join your team"), icon="user-plus")
TEAM_JOIN_APPROVED = _team_kind("team_approved", gettext_lazy("Team request approved"), icon="circle-check")
TEAM_JOIN_DECLINED = _team_kind("team_declined", gettext_lazy("Team request declined"), icon="circle-x")
