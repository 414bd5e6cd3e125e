"""The dashboard's downloads: every table as CSV and XLSX opens, holds the columns and values of
the dashboard it came from, keeps a "=" at the start of a name as text, and never carries a
learner's name or phone number."""

import csv
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.utils import translation

from lifelong.common.masking import mask_phone
from lifelong.dashboards.selectors import dashboard_for
from lifelong.dashboards.services import rollups_refresh
from lifelong.regions.models import Region
from lifelong.testkit.regions import COUNTY, WUYUAN

from .learning import activity_held, learner_new

TABLES = ["figures", "children", "categories", "audiences", "unmet", "trend"]
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}
FIGURE_HEADERS = [
    "Population",
    "Registered learners",
    "Active learners",
    "Participation rate (%)",
    "Learning hours",
    "Hours per head",
    "Activities",
    "Sessions",
    "Attendances",
    "Expected attendances",
    "Attendance rate (%)",
    "Villages and communities",
    "With an activity",
    "Coverage (%)",
    "Registrations",
    "Waitlisted",
    "Refused",
]
BREAKDOWN_HEADERS = ["Code", "Activities", "Registrations", "Attendances", "Learning hours", "Waitlisted", "Refused"]
# Distinctive people, so a leak cannot hide among other text.
SECRET_PEOPLE = [("甄隐私", "13711119876"), ("Zebulon Quixote", "13722228765"), ("=钱多多", "13733337654")]


def pct(rate):
    return None if rate is None else round(rate * 100, 1)


def figure_values(f) -> list:
    return [
        f.population,
        f.registered_learners,
        f.active_learners,
        pct(f.participation_rate),
        f.learning_hours,
        None if f.hours_per_head is None else f.hours_per_head.quantize(Decimal("0.01")),
        f.activities,
        f.sessions,
        f.attendances,
        f.expected_attendances,
        pct(f.attendance_rate),
        f.villages,
        f.villages_with_activity,
        pct(f.coverage),
        f.registrations,
        f.waitlisted,
        f.rejected,
    ]


def _with_town(region) -> str:
    """A village's English name after its town's ("Wuyuan Subdistrict · Wuyuan Community")."""
    name = region.name_en or region.name
    if region.level == "village":
        return f"{region.parent.name_en or region.parent.name} · {name}"
    return name


def expected_table(board, table: str) -> tuple[list[str], list[list]]:
    """The oracle: what each table must hold, read straight from the Dashboard dataclasses."""
    level = {"county": "County", "town": "Town or subdistrict", "village": "Village or community"}
    if table == "figures":
        region = board.region
        return ["Region code", "Region", "Level", "Period", *FIGURE_HEADERS], [
            [region.code, _with_town(region), level[region.level], board.period.label] + figure_values(board.figures)
        ]
    if table == "children":
        return ["Region code", "Region", "Level", *FIGURE_HEADERS], [
            # A village carries its town: names repeat across towns.
            [
                row.code,
                f"{row.town} · {row.name}" if row.town else row.name,
                level[row.level],
                *figure_values(row.figures),
            ]
            for row in board.children
        ]
    if table in ("categories", "audiences"):
        rows = board.by_category if table == "categories" else board.by_audience
        header = "Category" if table == "categories" else "Audience"
        return [header, *BREAKDOWN_HEADERS], [
            [r.label, r.key, r.activities, r.registrations, r.attendances, r.learning_hours, r.waitlisted, r.rejected]
            for r in rows
        ]
    if table == "unmet":
        return ["Region code", "Region", "Category", "Code", "Waitlisted", "Refused", "Unmet demand"], [
            [
                r.region_code,
                r.region_name,
                r.category_label,
                r.category,
                r.waitlisted,
                r.rejected,
                r.waitlisted + r.rejected,
            ]
            for r in board.unmet_demand
        ]
    return ["Month", "Active learners", "Learning hours", "Attendances", "Registrations"], [
        [r.month, r.active_learners, r.learning_hours, r.attendances, r.registrations] for r in board.trend
    ]


def as_csv_text(value) -> str:
    return "" if value is None else str(value)


def as_number(value):
    """An XLSX cell read back: openpyxl gives ints and floats; compare decimals as floats."""
    return float(value) if isinstance(value, Decimal) else value


def download(client, table: str, file_format: str, region: str, period: str):
    response = client.get(
        f"/console/dashboard/export/{table}.{file_format}", {"region": region, "period": period}, **ENGLISH
    )
    assert response.status_code == 200, (table, file_format, region)
    return response


def read_xlsx(content: bytes) -> list[list]:
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    sheet = workbook.worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("region", [COUNTY, WUYUAN, "village"])
def test_every_table_downloads_as_csv_and_xlsx_with_the_dashboards_values(learning, demo, county_client, table, region):
    code = learning.villages[0].code if region == "village" else region
    with translation.override("en"):  # the downloads below are asked for in English
        board = dashboard_for(actor=demo.county_admin, region_code=code, period=learning.period)
    header, rows = expected_table(board, table)
    if table != "children" or board.children:
        assert rows, "the oracle expects something to compare"

    response = download(county_client, table, "csv", code, learning.period.label)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="dashboard-{code}-{learning.period.label}-{table}.csv"'
    )
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel and WPS read it as UTF-8
    lines = list(csv.reader(io.StringIO(text[1:])))
    assert lines[0] == header
    assert lines[1:] == [[as_csv_text(v) for v in row] for row in rows]

    response = download(county_client, table, "xlsx", code, learning.period.label)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = read_xlsx(response.content)
    assert sheet[0] == header
    assert sheet[1:] == [[as_number(v) for v in row] for row in rows]


def test_figures_in_the_export_are_not_all_zero(learning, demo, county_client):
    """The comparison above means something only if there is learning to count."""
    lines = list(
        csv.DictReader(
            io.StringIO(download(county_client, "figures", "csv", WUYUAN, learning.period.label).content.decode()[1:])
        )
    )
    assert int(lines[0]["Attendances"]) > 0 and int(lines[0]["Waitlisted"]) > 0 and int(lines[0]["Refused"]) > 0
    unmet = read_xlsx(download(county_client, "unmet", "xlsx", WUYUAN, learning.period.label).content)
    assert len(unmet) > 1


def test_a_name_starting_with_a_formula_stays_text(learning, demo, county_client):
    # A town's name starts the cell (a village's follows its town's), so the town is renamed.
    Region.objects.filter(code=WUYUAN).update(name='=HYPERLINK("http://evil.example","点我")', name_en="")
    response = county_client.get(
        "/console/dashboard/export/children.csv", {"region": COUNTY, "period": learning.period.label}
    )
    cells = [cell for row in csv.reader(io.StringIO(response.content.decode()[1:])) for cell in row]
    assert '\'=HYPERLINK("http://evil.example","点我")' in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)

    response = county_client.get(
        "/console/dashboard/export/unmet.xlsx", {"region": COUNTY, "period": learning.period.label}
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = [cell for row in workbook.worksheets[0].iter_rows() for cell in row]
    named = [cell for cell in cells if isinstance(cell.value, str) and "HYPERLINK" in cell.value]
    assert named and all(cell.data_type == "s" and cell.value.startswith("'=") for cell in named)
    assert not any(cell.data_type == "f" for cell in cells)


def test_no_learners_name_or_phone_appears_in_any_export(learning, demo, county_client):
    village = learning.villages[0]
    people = [learner_new(village, name=name, phone=phone) for name, phone in SECRET_PEOPLE]
    activity_held(demo, village, period=learning.period, category="arts", capacity=2, learners=people)
    rollups_refresh()
    forbidden = [text for person in people for text in (person.name, person.phone, mask_phone(person.phone))]
    forbidden += [learner.name for learner in learning.learners] + [learner.phone for learner in learning.learners]
    for code in (COUNTY, WUYUAN, village.code):
        for table in TABLES:
            for file_format, language in (("csv", "en"), ("xlsx", "en"), ("csv", "zh-hans")):
                response = county_client.get(
                    f"/console/dashboard/export/{table}.{file_format}",
                    {"region": code, "period": learning.period.label},
                    HTTP_ACCEPT_LANGUAGE=language,
                )
                assert response.status_code == 200
                if file_format == "csv":
                    text = response.content.decode("utf-8")
                else:  # every part of the workbook: sheets, shared strings, properties
                    archive = zipfile.ZipFile(io.BytesIO(response.content))
                    text = "".join(archive.read(name).decode("utf-8") for name in archive.namelist())
                for secret in forbidden:
                    assert secret not in text, (code, table, file_format, secret)
    # The arts class did count: the people are in the figures, only their identities are not.
    board = dashboard_for(actor=demo.county_admin, region_code=village.code, period=learning.period)
    assert next(row for row in board.by_category if row.key == "arts").attendances == 2
