"""Reading one row of a residents roster (`learner_imports`): its columns, and the checks a row
passes on its own (name, mobile number, birth year, a village in the importer's area) before it
becomes a `Resident`."""

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import phonenumbers
from django.utils.translation import gettext as _

from lifelong.accounts import policy
from lifelong.accounts.models import User
from lifelong.common.spreadsheets import Columns, Row, cell_text
from lifelong.regions.models import Region

from .imports import RowProblem, _phone

NAME_MAX = User._meta.get_field("name").max_length
EARLIEST_BIRTH_YEAR = 1900

LEARNER_FILE_COLUMNS = Columns(
    aliases={
        "name": ("name", "姓名", "名字"),
        "phone": ("phone", "mobile", "手机号", "手机号码", "手机", "联系电话"),
        "birth_year": ("birth_year", "birth year", "出生年份", "出生年", "出生年月"),
        "home_region": (
            "home_region",
            "region",
            "village",
            "所在村（社区）",
            "所在村(社区)",
            "村（社区）",
            "村(社区)",
            "村社区",
            "所在村",
            "村",
            "社区",
            "行政区划代码",
            "区划代码",
        ),
    },
    required=("name", "birth_year", "home_region"),
)

# What libphonenumber calls a mainland mobile number, as 11 digits: a roster's phones are mostly
# written so, and matching them here is fifty times quicker than parsing each (the test
# `test_the_quick_phone_check_agrees_with_the_full_one` holds the two together).
CN_MOBILE = re.compile(phonenumbers.PhoneMetadata.metadata_for_region("CN").mobile.national_number_pattern)

YEAR = re.compile(r"^(\d{4})(?:\s*年|[-/.]\d{1,2}.*)?$")


@dataclass(frozen=True, slots=True)
class Resident:
    """A row that passed every check on its own."""

    name: str
    phone: str | None
    birth_year: int
    region_id: int

    @property
    def key(self) -> tuple:
        """What makes two rows the same person."""
        return ("phone", self.phone) if self.phone else ("person", self.name, self.birth_year, self.region_id)


# --- Checking one row ---------------------------------------------------------------------------


def _birth_year(value: Any, this_year: int) -> int:
    if isinstance(value, datetime | date):
        year = value.year  # a spreadsheet's date of birth
    else:
        match = YEAR.match(cell_text(value))
        if match is None:
            raise RowProblem(_("The birth year is not a year (write it as 1950)."))
        year = int(match.group(1))
    if not EARLIEST_BIRTH_YEAR <= year <= this_year:
        raise RowProblem(
            _("The birth year must lie between %(first)s and %(last)s.")
            % {"first": EARLIEST_BIRTH_YEAR, "last": this_year}
        )
    return year


class Villages:
    """The importer's villages and communities, found by code or by name. Loaded once per
    import (a county has a few hundred regions): checking a row asks the database nothing."""

    def __init__(self, actor: User | None):
        regions = list(Region.objects.select_related("parent").only("code", "name", "name_en", "level", "parent__name"))
        if actor is None or policy.is_superuser(actor):
            self.scope_ids = {region.pk for region in regions}
        else:
            allowed = policy.restrict(actor, policy.Action.VIEW, Region.objects.all())
            self.scope_ids = set(allowed.values_list("pk", flat=True))
        self.by_code = {region.code: region for region in regions}
        self.by_name: dict[str, list[Region]] = {}
        for region in regions:
            if region.level != "village" or region.pk not in self.scope_ids:
                continue
            town = region.parent.name if region.parent else ""
            names = {region.name, region.name_en.lower(), f"{town}{region.name}", f"{town} {region.name}"}
            names |= {f"{town}/{region.name}"}
            for name in names - {""}:
                self.by_name.setdefault(name, []).append(region)
        self._found: dict[str, Region | RowProblem] = {}

    def region_for(self, value: Any) -> Region:
        text = " ".join(cell_text(value).split())
        found = self._found.get(text)
        if found is None:
            try:
                found = self._look_up(text)
            except RowProblem as problem:
                found = problem
            self._found[text] = found
        if isinstance(found, RowProblem):
            raise found
        return found

    def _look_up(self, text: str) -> Region:
        if not text:
            raise RowProblem(_("The home village or community is missing."))
        if text.isascii() and text.isdigit():
            region = self.by_code.get(text)
            if region is None:
                raise RowProblem(_("No region has the code %(code)s.") % {"code": text[:20]})
            if region.pk not in self.scope_ids:
                raise RowProblem(_("%(region)s is outside your area.") % {"region": region.name})
            if region.level != "village":
                raise RowProblem(
                    _("%(region)s is not a village or community; give the village's code or name.")
                    % {"region": region.name}
                )
            return region
        candidates = self.by_name.get(text) or self.by_name.get(text.lower()) or []
        if not candidates:
            raise RowProblem(_("No village or community in your area is called “%(name)s”.") % {"name": text[:40]})
        if len(candidates) > 1:
            named = ", ".join(f"{r.parent.name}{r.name} ({r.code})" for r in sorted(candidates, key=lambda r: r.code))
            raise RowProblem(
                _("Several villages in your area are called “%(name)s”: %(candidates)s. Give the code or the town too.")
                % {"name": text[:40], "candidates": named}
            )
        return candidates[0]


def mobile_number(raw: str) -> str | None:
    """The 11-digit mainland mobile number in `raw`, or None (as `normalize_phone` decides)."""
    if len(raw) == 11 and raw.isascii() and raw.isdigit() and raw[0] == "1":
        return raw if CN_MOBILE.fullmatch(raw) else None
    return _phone(raw)


def check_row(row: Row, villages: Villages, this_year: int) -> Resident:
    """A row as a Resident, or RowProblem saying what is wrong with it."""
    name = " ".join(cell_text(row.get("name")).split())
    if not name:
        raise RowProblem(_("The name is missing."))
    if len(name) > NAME_MAX:
        raise RowProblem(_("The name is longer than %(n)s characters.") % {"n": NAME_MAX})
    birth_year = _birth_year(row.get("birth_year"), this_year)
    raw_phone = cell_text(row.get("phone"))
    phone = None
    if raw_phone:
        phone = mobile_number(raw_phone)
        if phone is None:
            raise RowProblem(_("The mobile number is not a valid mainland number."))
    region = villages.region_for(row.get("home_region"))
    return Resident(name=name, phone=phone, birth_year=birth_year, region_id=region.pk)


def _twice(key: tuple, first_line: int) -> RowProblem:
    if key[0] == "phone":
        return RowProblem(
            _("This mobile number appears twice in this file (first on line %(line)s).") % {"line": first_line}
        )
    return RowProblem(
        _("This person (same name, birth year and village) appears twice in this file (first on line %(line)s).")
        % {"line": first_line}
    )
