"""Shared form and console styles on a phone in elder mode (issue 13, `make tour`): a checkbox's
row and a form's "Cancel" are full-size targets, a console tile is one big link, and a page of
long English words and wide tables stays as wide as the phone."""

import re

import pytest
from playwright.sync_api import expect

from lifelong.accounts.models import User
from lifelong.accounts.services import user_preferences_update
from lifelong.institutions.models import Venue
from lifelong.testkit import a11y

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COUNTY_ADMIN = "13900000001"


@pytest.fixture
def elder_admin(county_with_activities, phone, settings):
    """The county administrator, signed in on a phone in elder mode; `language` picks zh or en."""
    settings.STAFF_TWO_FACTOR_REQUIRED = False  # the pages are measured here, not the sign-in
    user_preferences_update(user=User.objects.get(phone=COUNTY_ADMIN), elder_mode=True)

    def open_tab(language: str = "zh-hans"):
        tab = phone(language=language)
        # By the fields' names: the labels are in the page's language.
        tab.goto("/accounts/login/")
        tab.locator('input[name="phone"]').fill(COUNTY_ADMIN)
        tab.locator('input[name="password"]').fill("lifelong-demo")
        tab.locator('#main button[type="submit"]').click()
        expect(tab).not_to_have_url(re.compile(r"/accounts/login/"))
        return tab

    return open_tab


def box(tab, selector: str) -> dict:
    found = tab.locator(selector).first.bounding_box()
    assert found, f"{selector} is not on the page"
    return found


def test_a_checkbox_row_and_a_forms_cancel_are_full_size_targets(elder_admin):
    tab = elder_admin()
    venue = Venue.objects.order_by("pk").first()
    tab.goto(f"/console/venues/{venue.pk}/")
    expect(tab.locator("html")).to_have_class(re.compile("elder"))
    # "Active: [x]": the label (which ticks the box) is a 48 px row, the box itself 28 px.
    assert box(tab, 'label[for="id_is_active"]')["height"] >= 48
    assert box(tab, "#id_is_active")["height"] >= 27.5
    ticked = tab.locator("#id_is_active").is_checked()
    tab.locator('label[for="id_is_active"]').click()
    assert tab.locator("#id_is_active").is_checked() != ticked
    # "Cancel" after "Save" is a secondary button as wide as Save, not a 29 px bare link.
    save, cancel = box(tab, "main form > button[type=submit]"), box(tab, "main form > button[type=submit] ~ a")
    assert cancel["height"] >= 48
    assert cancel["width"] == pytest.approx(save["width"], abs=1)
    small = [t for t in tab.evaluate(a11y.SMALL_TARGETS_JS, 48) if " form" in t["selector"]]
    assert small == []


def test_a_checkbox_with_help_text_is_still_one_full_size_row(elder_admin):
    """Django puts a field's help between its label and a checkbox: the row keeps its 48 px label
    and the box beside it, the help below."""
    tab = elder_admin()
    tab.goto("/console/activities/new/")
    label, tick = box(tab, 'label[for="id_over_venue_capacity"]'), box(tab, "#id_over_venue_capacity")
    assert label["height"] >= 48
    assert abs((label["y"] + label["height"] / 2) - (tick["y"] + tick["height"] / 2)) < 4  # one row
    assert box(tab, "#id_over_venue_capacity_helptext")["y"] > label["y"] + label["height"] - 1  # below


def test_a_console_tile_is_one_full_size_link(elder_admin):
    tab = elder_admin()
    response = tab.goto("/console/")
    links = tab.locator(".ll-console-tiles .ll-tile-link")
    assert links.count() >= 3
    for index in range(links.count()):
        assert links.nth(index).bounding_box()["height"] >= 48
    check = a11y.check_page(tab, "/console/", elder=True, response=response)
    assert not check.blocking, a11y.describe_failures(check)
    # A tap on the tile's title, not on its link, opens the tile's page.
    tile = tab.locator(".ll-console-tiles .ll-card", has=tab.locator(".ll-tile-link")).first
    target = tile.locator(".ll-tile-link").get_attribute("href")
    title = tile.locator("h2").bounding_box()
    tab.mouse.click(title["x"] + title["width"] / 2, title["y"] + title["height"] / 2)
    expect(tab).to_have_url(re.compile(re.escape(target) + "$"))


@pytest.mark.parametrize("path", ["/open-data/", "/console/dashboard/", "/venues/", "/console/honours/"])
def test_english_elder_pages_stay_as_wide_as_the_phone(elder_admin, path):
    tab = elder_admin(language="en")
    tab.goto(path)
    expect(tab.locator("html")).to_have_attribute("lang", re.compile("^en"))
    assert tab.evaluate(a11y.OVERFLOW_JS) == 0, f"{path} reaches past the screen's right edge"


# The label column of a table shown as cards, against the width of its longest word set in the
# label's own font (a pseudo-element's lines cannot be measured directly).
LABEL_FITS_JS = """() => {
  const cell = document.querySelector('.ll-table-cards td[data-label]');
  const label = getComputedStyle(cell, '::before');
  const column = parseFloat(getComputedStyle(cell).gridTemplateColumns.split(' ')[0]);
  const probe = document.createElement('span');
  probe.style.font = label.font;
  probe.style.cssText += ';white-space:nowrap;position:absolute;display:inline-block;width:auto;';
  document.body.append(probe);
  const widest = Math.max(...cell.dataset.label.split(/\\s+/).map(word => {
    probe.textContent = word;
    return probe.getBoundingClientRect().width;
  }));
  probe.remove();
  return {column, widest};
}"""


def test_a_cards_label_never_breaks_inside_a_word_in_english_elder_mode(elder_admin):
    tab = elder_admin(language="en")
    tab.goto("/console/learners/")
    expect(tab.locator("html")).to_have_attribute("lang", re.compile("^en"))
    expect(tab.locator('.ll-table-cards td[data-label="Home village or community"]').first).to_be_visible()
    fit = tab.evaluate(LABEL_FITS_JS.replace("td[data-label]", 'td[data-label="Home village or community"]'))
    assert fit["column"] + 0.5 >= fit["widest"], fit


def test_the_console_menu_offers_record_imports_only_to_those_who_may_open_them(
    county_with_activities, client, settings
):
    settings.STAFF_TWO_FACTOR_REQUIRED = False
    client.force_login(User.objects.get(phone="13900000004"))  # an organiser: the import page is not theirs
    assert client.get("/console/imports/").status_code == 404
    assert 'href="/console/imports/"' not in client.get("/console/").content.decode()
    client.force_login(User.objects.get(phone=COUNTY_ADMIN))
    assert 'href="/console/imports/"' in client.get("/console/").content.decode()


def test_a_wide_tables_hidden_column_name_scrolls_with_it_instead_of_widening_the_page(elder_admin):
    from lifelong.honours.models import HonorCall

    tab = elder_admin(language="en")
    tab.set_viewport_size({"width": 1280, "height": 860})
    call = HonorCall.objects.order_by("pk").first()
    tab.goto(f"/console/honours/calls/{call.pk}/")
    assert tab.locator(".ll-table-wrap .visually-hidden").count() >= 1
    assert tab.evaluate(a11y.OVERFLOW_JS) == 0


def test_a_lists_filters_stand_one_a_row_so_dates_and_names_show_whole(elder_admin):
    """At elder type size, two filters side by side cut a date to "mm/dd" and a town's name."""
    tab = elder_admin("en")
    tab.goto("/console/audit/")
    form = box(tab, "form.ll-filterbar")
    for field in tab.locator("form.ll-filterbar .ll-filterbar__field").all():
        assert field.bounding_box()["width"] >= form["width"] - 40  # the form's padding only
    date = tab.locator('form.ll-filterbar input[type="date"]').first
    assert date.evaluate("e => e.scrollWidth <= e.clientWidth")
