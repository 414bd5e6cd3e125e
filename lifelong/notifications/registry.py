"""The kinds of notice, each registered by the app that sends it.

Notifications delivers notices; it does not know what they say. Each app keeps its kinds in its
own `notices.py` (their code, label, icon, words and link) and imports that module in its
`AppConfig.ready()`, which registers them here. A kind is a code stored in `Notification.kind`
(no choices on the field: a new kind needs no migration), so a code never changes once notices
carry it: old rows and their dedupe keys name it.

A kind's `render` makes the text and the link of one notice in the recipient's language (the
caller has switched to it); its `load` reads, once per event, what the notice is about (the
activity with its sessions, the team, the article...), which `render` then receives and an SMS
names by `title` (its `display_title` or `display_name` unless the kind says otherwise).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.functional import Promise
from django.utils.translation import gettext as _

# Notification.kind's max_length: a longer code could not be stored.
CODE_MAX_LENGTH = 32


@dataclass(frozen=True)
class NoticeContext:
    """One notice to render: its kind's code, what the event is about (what the kind's `load`
    read, None without one), the event's params, and for a family member told about a relative
    the relative's name (`for_name`) and id (`relative_id`: their passport has its own page)."""

    kind: str
    about: Any
    params: dict[str, Any] = field(default_factory=dict)
    for_name: str = ""
    relative_id: int | None = None

    def addressed(self, text: str) -> str:
        """`text`, said to be about the relative when a family member is told."""
        if self.for_name:
            return _("For %(name)s: %(text)s") % {"name": self.for_name, "text": text}
        return text


Render = Callable[[NoticeContext], tuple[str, str]]
Load = Callable[..., Any]


@dataclass(frozen=True)
class NoticeKind:
    """A kind of notice. `str()` of it is its code, so it may stand wherever the code does
    (`notify(kind, ...)`, a dedupe key)."""

    code: str
    label: str | Promise
    render: Render
    # `load(activity_id=..., params=...)`: what the notice is about, read once per event. An event
    # with an activity whose `load` finds nothing tells nobody (the activity is gone).
    load: Load | None = None
    # Its name in an SMS (`title`), from what `load` read; by default its display title or name.
    title: Callable[[Any], str] | None = None
    icon: str = "bell"  # the sprite's icon beside it in the notice list

    def __str__(self) -> str:
        return self.code

    def title_of(self, about: Any) -> str:
        """The name of what the notice is about, in the language active now (the recipient's)."""
        if about is None:
            return ""
        return self.title(about) if self.title is not None else name_of(about)


def name_of(thing: Any) -> str:
    """A thing's name in the language active now: its display title or name."""
    return str(getattr(thing, "display_title", None) or getattr(thing, "display_name", None) or thing)


_kinds: dict[str, NoticeKind] = {}


def register(
    code: str,
    *,
    label: str | Promise,
    render: Render,
    load: Load | None = None,
    title: Callable[[Any], str] | None = None,
    icon: str = "bell",
) -> NoticeKind:
    """Register a kind of notice (from an app's `notices.py`) and return it."""
    if not code or len(code) > CODE_MAX_LENGTH:
        raise ValueError(f"A notice kind's code has 1 to {CODE_MAX_LENGTH} characters: {code!r}.")
    if code in _kinds:
        raise ValueError(f"The notice kind {code!r} is registered twice.")
    kind = NoticeKind(code=code, label=label, render=render, load=load, title=title, icon=icon)
    _kinds[code] = kind
    return kind


def get(kind: NoticeKind | str) -> NoticeKind:
    """The registered kind of this code; a ValueError for a kind no app registered."""
    try:
        return _kinds[str(kind)]
    except KeyError:
        raise ValueError(
            f"No app registered the notice kind {str(kind)!r}: register it in the sending app's notices.py "
            "(lifelong.notifications.registry.register), imported by its AppConfig.ready()."
        ) from None


def codes() -> list[str]:
    """Every registered kind's code."""
    return list(_kinds)


def label(code: str) -> str:
    """A kind's label in the active language; the code itself for a kind no app registers any
    more (its old notices still show)."""
    kind = _kinds.get(code)
    return str(kind.label) if kind else code


def icon(code: str) -> str:
    kind = _kinds.get(code)
    return kind.icon if kind else "bell"


def render(
    kind: str, *, about: Any, params: dict[str, Any], for_name: str = "", relative_id: int | None = None
) -> tuple[str, str]:
    """The text and the link of one notice of `kind`."""
    context = NoticeContext(kind=kind, about=about, params=params, for_name=for_name, relative_id=relative_id)
    return get(kind).render(context)


def when(value) -> str:
    """A moment as notices name it (local time), or a dash for none."""
    return format_date(timezone.localtime(value), "Y-m-d H:i") if value else "—"
