"""The dashboard end to end in a real browser: the Wuyuan town admin opens the console
dashboard, sees Wuyuan's figures with the charts drawn (under the Content-Security-Policy, from
the vendored ECharts), drills into one of the subdistrict's villages from the table, and
downloads an XLSX export that opens as a workbook."""

import re

import openpyxl
import pytest
from playwright.sync_api import expect

from lifelong.dashboards.selectors import dashboard_for
from lifelong.testkit.browser import sign_in
from lifelong.testkit.regions import WUYUAN

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Does the canvas hold any painted pixel? (A chart that failed to draw leaves it blank.)
PAINTED = """canvas => {
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 3; i < data.length; i += 4) { if (data[i] !== 0) return true; }
  return false;
}"""


def test_a_town_admin_reads_the_dashboard_drills_into_a_village_and_downloads_it(
    live_learning, page, settings, tmp_path
):
    demo, built = live_learning
    settings.STAFF_TWO_FACTOR_REQUIRED = False  # two-factor has its own browser test (common/tests)
    board = dashboard_for(actor=demo.town_admin, region_code=None, period=built.period)
    village = built.villages[0]
    assert village.parent.code == WUYUAN and board.figures.active_learners > 0

    problems = _problems_on(page)

    sign_in(page, demo.town_admin.phone)
    page.goto("/console/")
    page.get_by_role("navigation", name="工作台").get_by_test_id("console-dashboard-link").click()
    expect(page).to_have_url(re.compile(r"/console/dashboard/$"))
    expect(page.get_by_test_id("dashboard-title")).to_contain_text("武原街道")
    expect(page.get_by_test_id("figure-active").locator(".figure-value")).to_have_text(
        f"{board.figures.active_learners:,}"
    )
    expect(page.get_by_test_id("figure-activities").locator(".figure-value")).to_have_text(
        f"{board.figures.activities:,}"
    )
    _expect_the_charts_drawn(page)
    # No villages of another town in the drill-down.
    table = page.get_by_test_id("table-children")
    expect(table.get_by_role("link", name="通元镇")).to_have_count(0)

    table.get_by_role("link", name=village.name, exact=True).click()
    expect(page).to_have_url(re.compile(rf"region={village.code}"))
    expect(page.get_by_test_id("dashboard-title")).to_contain_text(village.name)
    crumbs = page.get_by_test_id("breadcrumb")
    expect(crumbs.get_by_role("link", name="武原街道")).to_be_visible()
    expect(crumbs.get_by_text(village.name)).to_have_attribute("aria-current", "page")
    village_board = dashboard_for(actor=demo.town_admin, region_code=village.code, period=built.period)
    expect(page.get_by_test_id("figure-active").locator(".figure-value")).to_have_text(
        f"{village_board.figures.active_learners:,}"
    )

    filename, rows = _download_the_figures(page, tmp_path)
    assert filename == f"dashboard-{village.code}-{built.period.label}-figures.xlsx"
    assert rows[1][0] == village.code and rows[1][1] == f"武原街道 · {village.name}"
    active_column = 6  # code, name, level, period, population, registered, active
    assert rows[1][active_column] == village_board.figures.active_learners > 0
    assert problems == []


def _problems_on(page) -> list[str]:
    """A list that collects every script error, and anything the Content-Security-Policy
    refused, on `page` from now on."""
    problems = []
    page.on(
        "console",
        lambda message: (
            ("Refused" in message.text or "Content Security Policy" in message.text) and problems.append(message.text)
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def _expect_the_charts_drawn(page) -> None:
    """The charts are drawn on canvases; each is a keyboard stop that names itself and points to
    the table beside it (which says the same in words)."""
    chart = page.get_by_test_id("chart-categories")
    expect(chart).to_have_attribute("data-chart-drawn", "true")
    expect(chart).to_have_attribute("tabindex", "0")
    expect(chart).to_have_attribute("aria-label", re.compile("按类别统计的活动"))
    chart.focus()
    expect(chart).to_be_focused()
    canvas = chart.locator("canvas").first
    expect(canvas).to_be_visible()
    assert canvas.evaluate(PAINTED)
    expect(page.get_by_test_id("chart-children").locator("canvas").first).to_be_visible()
    expect(page.get_by_test_id("chart-trend").locator("canvas").first).to_be_visible()


def _download_the_figures(page, tmp_path) -> tuple[str, list[tuple]]:
    """Download the XLSX of the figures: its suggested file name and the rows of its first sheet."""
    with page.expect_download() as download_info:
        page.get_by_test_id("export-figures-xlsx").click()
    download = download_info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    rows = list(openpyxl.load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True))
    return download.suggested_filename, rows


def test_the_open_data_chart_is_drawn_and_reachable_by_keyboard(live_learning, page):
    """The public page's chart used to stay blank: every bar read 0 %. Coverage and
    participation now each have a scale, and the chart is a keyboard stop beside its table."""
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto("/open-data/")
    chart = page.get_by_test_id("chart-open-data")
    expect(chart).to_have_attribute("data-chart-drawn", "true")
    assert chart.locator("canvas").first.evaluate(PAINTED)
    table = page.get_by_test_id("open-data-table")
    expect(table.get_by_test_id("open-data-county")).to_be_visible()
    page.keyboard.press("Tab")
    for _n in range(60):  # tab through the header and the year form to the chart
        if chart.evaluate("element => element === document.activeElement"):
            break
        page.keyboard.press("Tab")
    expect(chart).to_be_focused()
    page.keyboard.press("Tab")  # next: the table's scroll region
    expect(page.locator(".ll-table-wrap").filter(has=table)).to_be_focused()
    assert problems == []
