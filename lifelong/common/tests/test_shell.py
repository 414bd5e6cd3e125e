"""The shell every page shares: the phone tab bar and "More" sheet, the console menu grouped by
task, the icon tags and their sprite, the components, and the icons a phone asks for
(/favicon.ico, the web app manifest)."""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.template import Context, Template
from django.test import Client
from django.utils import timezone, translation

from lifelong.common.templatetags import ui

ROOT = Path(__file__).resolve().parents[3]
SPRITE = ROOT / "lifelong/common/static/vendor/lucide/sprite.svg"


class Links(HTMLParser):
    """The links (href, text) inside the first element matching a class, and the groups in it."""

    def __init__(self, css_class: str):
        super().__init__()
        self.css_class = css_class
        self.depth = 0  # >0 while inside the element
        self.links: list[tuple[str, str]] = []
        self.group_titles: list[str] = []
        self._href: str | None = None
        self._text: list[str] = []
        self._in_title = False
        self._title: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if self.depth == 0 and self.css_class in classes and not self.links:
            self.depth = 1
            return
        if self.depth:
            if tag not in {"br", "input", "use", "path", "circle", "rect", "img", "meta", "link"}:
                self.depth += 1
            if tag == "a":
                self._href, self._text = attrs.get("href"), []
            if "ll-console-group__title" in classes:
                self._in_title, self._title = True, []

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag == "a" and self._href is not None:
            self.links.append((self._href, "".join(self._text).strip()))
            self._href = None
        if tag == "p" and self._in_title:
            self.group_titles.append("".join(self._title).strip())
            self._in_title = False
        if tag not in {"br", "input", "use", "path", "circle", "rect", "img", "meta", "link"}:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth and self._href is not None:
            self._text.append(data)
        if self.depth and self._in_title:
            self._title.append(data)


def links_in(html: str, css_class: str) -> Links:
    parser = Links(css_class)
    parser.feed(html)
    return parser


def sprite_symbols() -> set[str]:
    return set(re.findall(r'<symbol id="([a-z0-9-]+)"', SPRITE.read_text(encoding="utf-8")))


# --- Phone navigation ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_visitor_has_four_sections_and_more_in_the_tab_bar():
    html = Client().get("/").content.decode()
    tabs = links_in(html, "ll-tabbar").links
    hrefs = [href for href, _ in tabs]
    assert hrefs[:4] == ["/", "/activities/", "/news/", "/accounts/login/"]
    assert [text for _, text in tabs[:4]] == ["首页", "活动", "新闻", "登录"]
    # The "More" sheet: every other public section, and signing in.
    assert {"/resources/", "/programmes/", "/teams/", "/venues/", "/honors/", "/open-data/"} <= set(hrefs[4:])
    assert 'aria-current="page"' in html.split('class="ll-tabbar"')[1].split("</a>")[0]  # Home is where we are
    # The top bar keeps the elder switch one tap away, and the language switch.
    assert html.count('data-testid="elder-switch"') == 1 and html.count('data-testid="language-switch"') == 1


@pytest.mark.django_db
def test_a_learner_reaches_me_notices_and_sign_out_from_the_tab_bar(demo):
    client = Client()
    client.force_login(demo.elder_learner)
    html = client.get("/activities/").content.decode()
    tabs = links_in(html, "ll-tabbar").links
    assert tabs[3][0] == "/me/"
    assert "/me/notices/" in [href for href, _ in tabs]
    current = html.split('class="ll-tabbar"')[1]
    assert re.search(r'href="/activities/" aria-current="page"', current)
    assert 'data-testid="notices-link"' in html and html.count('data-testid="notices-link"') == 1
    sheet = html.split('class="ll-more__sheet"')[1].split("</details>")[0]
    assert 'action="/accounts/logout/"' in sheet


@pytest.mark.django_db
def test_the_demo_banner_is_one_short_line_on_phones(settings):
    settings.DEMO_MODE = True
    settings.STAFF_TWO_FACTOR_REQUIRED = False
    html = Client().get("/").content.decode()
    banner = html.split('class="demo-banner"')[1].split("</div>")[0]
    # The second sentence is for wide screens only (CSS hides .demo-banner__extra on phones).
    assert 'class="demo-banner__extra"' in banner


# --- The console menu ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_console_menu_is_grouped_by_task_without_duplicates(demo, verified_client, settings):
    client = verified_client(demo.county_admin)
    html = client.get("/console/").content.decode()
    assert '<nav aria-label="工作台" class="console-nav">' in html  # browser tests find it by this name
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/console/").content.decode()
    menu = links_in(html, "console-nav")
    hrefs = [href for href, _ in menu.links]
    assert len(hrefs) == len(set(hrefs)), "a console destination appears twice"
    assert menu.group_titles == [
        "Activities and registration",
        "Publishing",
        "Network and venues",
        "People",
        "Data and honours",
    ]
    assert {
        "/console/",
        "/console/dashboard/",
        "/console/activities/",
        "/console/campaigns/",
        "/console/programmes/",
        "/console/teams/",
        "/console/resources/",
        "/console/institutions/",
        "/console/venues/",
        "/console/learners/",
        "/console/roles/",
        "/console/certificates/",
        "/console/learning-stars/",
        "/console/honours/",
        "/console/imports/",
    } <= set(hrefs)
    names = [text for _, text in menu.links]
    assert "Venues" in names and "Dashboard" in names
    assert re.search(r'href="/console/" aria-current="page"', html)


@pytest.mark.django_db
def test_an_organizer_sees_only_the_console_links_of_their_work(demo, verified_client):
    html = verified_client(demo.organizer).get("/console/").content.decode()
    hrefs = [href for href, _ in links_in(html, "console-nav").links]
    assert "/console/activities/" in hrefs and "/console/venues/" in hrefs
    assert "/console/dashboard/" not in hrefs and "/console/campaigns/" not in hrefs


# --- Icons --------------------------------------------------------------------------------------


def test_the_icon_tag_points_into_the_sprite():
    html = Template('{% load ui %}{% icon "calendar" %}').render(Context())
    assert html == (
        '<svg class="ll-icon" aria-hidden="true" focusable="false">'
        '<use href="/static/vendor/lucide/sprite.svg#calendar"></use></svg>'
    )
    labelled = Template('{% load ui %}{% icon "bell" label=label %}').render(Context({"label": "通知 <3>"}))
    assert 'role="img" aria-label="通知 &lt;3&gt;"' in labelled and "aria-hidden" not in labelled
    category = Template("{% load ui %}{% category_icon c %}").render(Context({"c": "agriculture"}))
    assert "sprite.svg#sprout" in category
    unknown = Template("{% load ui %}{% category_icon c %}").render(Context({"c": "astronomy"}))
    assert f"sprite.svg#{ui.DEFAULT_CATEGORY_ICON}" in unknown


def test_every_icon_a_template_names_is_in_the_sprite():
    symbols = sprite_symbols()
    used: dict[str, set[str]] = {}
    patterns = [
        re.compile(r"""\{%\s*icon\s+["']([a-z0-9-]+)["']"""),
        re.compile(r"""\b(?:icon|action_icon)=["']([a-z0-9-]+)["']"""),
    ]
    for path in (ROOT / "lifelong").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for pattern in patterns:
            for name in pattern.findall(text):
                used.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    for name in [*ui.CATEGORY_ICONS.values(), ui.DEFAULT_CATEGORY_ICON, *ui.BADGE_ICONS.values()]:
        used.setdefault(name, set()).add("lifelong/common/templatetags/ui.py")
    assert len(used) > 20  # the grep found the templates' icons
    missing = {name: sorted(where) for name, where in used.items() if name not in symbols}
    assert not missing, f"add these icons to the sprite: {missing}"


def test_every_category_has_its_own_icon():
    from lifelong.activities.choices import Category

    assert set(ui.CATEGORY_ICONS) == set(Category.values)
    assert len(set(ui.CATEGORY_ICONS.values())) == len(Category.values)


# --- Components ---------------------------------------------------------------------------------


def test_the_date_block_shows_month_day_and_weekday_in_the_reader_language():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    moment = datetime(timezone.now().year, 12, 10, 1, 30, tzinfo=ZoneInfo("UTC"))  # 09:30 in Haiyan
    template = Template('{% include "common/components/date_block.html" with dt=moment %}')
    with translation.override("zh-hans"):
        zh = template.render(Context({"moment": moment}))
    with translation.override("en"):
        en = template.render(Context({"moment": moment}))
    assert re.search(r'class="ll-date__month">12月<', zh) and 'class="ll-date__day">10<' in zh
    assert "星期" in zh and f'datetime="{moment.year}-12-10T09:30:00+08:00"' in zh
    assert 'class="ll-date__month">Dec<' in en
    old = Template('{% include "common/components/date_block.html" with dt=moment %}').render(
        Context({"moment": datetime(2019, 11, 4, 6, 0, tzinfo=ZoneInfo("UTC"))})
    )
    assert "2019." in old  # another year says so


def test_the_empty_state_and_badge_say_it_in_words():
    empty = Template(
        '{% include "common/components/empty_state.html" with icon="calendar" title="暂无活动" '
        'text="过几天再来看看。" action_url="/activities/" action_label="全部活动" %}'
    ).render(Context())
    assert "暂无活动" in empty and 'href="/activities/" role="button"' in empty and "#calendar" in empty
    badge = Template('{% include "common/components/status_badge.html" with kind="full" label="已满" %}').render(
        Context()
    )
    assert "ll-badge--full" in badge and "已满" in badge and "#circle-x" in badge


# --- Icons a phone asks for -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_favicon_is_a_real_icon_kept_for_a_month():
    response = Client().get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    body = response.content
    assert body[:4] == b"\x00\x00\x01\x00"  # the ICO header
    sizes = {(body[6 + 16 * i] or 256, body[7 + 16 * i] or 256) for i in range(int.from_bytes(body[4:6], "little"))}
    assert {(16, 16), (32, 32)} <= sizes
    assert "max-age=2592000" in response["Cache-Control"]
    assert Client().post("/favicon.ico").status_code == 405


@pytest.mark.django_db
def test_the_manifest_lets_a_phone_add_lifelong_to_its_home_screen():
    response = Client().get("/manifest.webmanifest")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/manifest+json")
    manifest = json.loads(response.content)
    assert manifest["name"] == "海盐终身学习" and manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#0b5d3b"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        path = icon["src"].removeprefix("/static/")
        assert finders.find(path), f"{icon['src']} is not a static file"
    english = Client(headers={"accept-language": "en"}).get("/manifest.webmanifest")
    assert json.loads(english.content)["name"] == "Haiyan lifelong learning"


@pytest.mark.django_db
def test_every_page_names_its_icons_and_manifest():
    html = Client().get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<meta name="theme-color" content="#0b5d3b">' in html
    assert 'rel="apple-touch-icon"' in html and 'href="/favicon.ico"' in html
    assert "lifelong/pages.css" in html.split("lifelong/lifelong.css")[1]  # pages.css after the system
    assert 'id="ll-confirm-template"' in html


def test_the_pager_keeps_the_search_and_filters():
    from django.core.paginator import Paginator
    from django.test import RequestFactory

    request = RequestFactory().get("/activities/", {"q": "太极", "category": "health", "page": "2"})
    page = Paginator(list(range(120)), 50).get_page(2)
    html = Template('{% include "common/pager.html" %}').render(Context({"page": page, "request": request}))
    assert 'href="?q=%E5%A4%AA%E6%9E%81&amp;category=health&amp;page=1" rel="prev"' in html
    assert 'href="?q=%E5%A4%AA%E6%9E%81&amp;category=health&amp;page=3" rel="next"' in html


def test_a_form_with_errors_sums_them_up_with_links_to_the_fields():
    from django import forms

    class VenueForm(forms.Form):
        name = forms.CharField(label="名称")

        def clean(self):
            raise forms.ValidationError("这个时段已被预订。")

    form = VenueForm(data={"name": ""})
    html = Template('{% include "common/form.html" %}').render(Context({"form": form}))
    summary = html.split('class="form-errors ll-error-summary" role="alert"')[1].split("</div>")[0]
    assert "这个时段已被预订。" in summary
    assert '<a href="#id_name">名称: ' in summary


@pytest.mark.django_db
def test_a_missing_page_says_so_and_offers_the_way_home():
    response = Client().get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>未找到</h1>" in html and 'class="ll-empty"' in html
    assert 'href="/" role="button"' in html and "ll-tabbar" in html  # the shell is there to go on from
