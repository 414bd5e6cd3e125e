"""What a programme's or team's page shows of its activities: the lists of its activities and a
programme's figures. Those records belong to the apps above this one, which provide them from
their AppConfig.ready(): activities lists the activities (`register_activity_lists`), passport
counts the figures, learning hours included (`register_programme_figures`). The pages, the API
and the tests ask here."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from .models import Programme, Team

if TYPE_CHECKING:  # activities sits above community: for type hints only
    from lifelong.activities.models import Activity

ActivityLists = tuple[list["Activity"], list["Activity"]]


@dataclass(frozen=True)
class Figures:
    """What a programme's activities achieved, counted from the raw records."""

    activities: int
    people_served: int
    attendance: int
    hours: Decimal


_providers: dict[str, Callable] = {}


def register_activity_lists(provider: Callable[..., ActivityLists]) -> None:
    """`provider(programme=...)` or `provider(team=...)`: its (upcoming, past) activities."""
    _providers["activity_lists"] = provider


def register_programme_figures(provider: Callable[..., Figures]) -> None:
    """`provider(programme=...)`: the programme's `Figures`."""
    _providers["programme_figures"] = provider


def _provider(name: str) -> Callable:
    try:
        return _providers[name]
    except KeyError:
        raise LookupError(
            f"Nothing provides the {name} of programmes and teams (lifelong.community.records)."
        ) from None


def programme_activities(*, programme: Programme) -> ActivityLists:
    return _provider("activity_lists")(programme=programme)


def team_activities(*, team: Team) -> ActivityLists:
    return _provider("activity_lists")(team=team)


def programme_figures(*, programme: Programme) -> Figures:
    return _provider("programme_figures")(programme=programme)
