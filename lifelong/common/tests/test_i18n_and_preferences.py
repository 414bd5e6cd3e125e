import re
from pathlib import Path

import polib
import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[3]
CATALOG = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
CJK = re.compile(r"[\u4e00-\u9fff]")


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r'<button[^>]*data-testid="language-switch"[^>]*>.*?</button>', " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_home_is_in_chinese_by_default(demo):
    response = Client().get("/")
    assert response["Content-Language"] == "zh-hans"
    text = visible_text(response.content.decode())
    assert "人人学习，就在家门口" in text and "通元镇" in text


def test_english_when_the_browser_asks_and_english_pages_show_english_names(demo):
    response = Client(headers={"accept-language": "en-GB,en;q=0.9"}).get("/")
    assert response["Content-Language"] == "en"
    text = visible_text(response.content.decode())
    assert "Learning for everyone, close to home" in text and "Tongyuan Town" in text
    assert not CJK.search(text), CJK.findall(text)[:10]
    town = Client(headers={"accept-language": "en"}).get("/network/330424105/").content.decode()
    assert not CJK.search(visible_text(town))


def test_the_language_switch_sticks_in_a_cookie_and_on_the_account(demo, client):
    response = client.post("/preferences/language/", {"language": "en", "next": "/network/330424105/"})
    assert response.status_code == 302 and response["Location"] == "/network/330424105/"
    assert client.get("/")["Content-Language"] == "en"
    client.post("/accounts/login/", {"phone": "13900000006", "password": demo.password})
    client.post("/preferences/language/", {"language": "zh-hans"})
    demo.young_learner.refresh_from_db()
    assert demo.young_learner.preferred_language == "zh-hans"
    assert client.get("/")["Content-Language"] == "zh-hans"


def test_unknown_languages_and_foreign_redirects_are_ignored(demo, client):
    response = client.post("/preferences/language/", {"language": "xx", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert client.get("/")["Content-Language"] == "zh-hans"


def test_elder_mode_persists_for_visitors_and_on_the_account(demo, client):
    assert 'class="elder"' not in client.get("/").content.decode()
    client.post("/preferences/elder-mode/", {"elder_mode": "1", "next": "/"})
    assert 'class="elder"' in client.get("/").content.decode()
    client.post("/accounts/login/", {"phone": "13900000005", "password": demo.password})
    client.post("/preferences/elder-mode/", {"elder_mode": "1"})
    demo.elder_learner.refresh_from_db()
    assert demo.elder_learner.elder_mode
    other_device = Client()
    other_device.post("/accounts/login/", {"phone": "13900000005", "password": demo.password})
    assert 'class="elder"' in other_device.get("/me/").content.decode()


def test_preference_switches_need_post_and_csrf(demo):
    assert Client().get("/preferences/elder-mode/").status_code == 405
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/preferences/elder-mode/", {"elder_mode": "1"}).status_code == 403


def catalog() -> polib.POFile:
    return polib.pofile(str(CATALOG))


def test_the_chinese_catalog_translates_every_entry():
    po = catalog()
    untranslated = [e.msgid for e in po.untranslated_entries()] + [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, untranslated


SOURCE_STRINGS = [
    re.compile(r"""\{% translate "([^"]+)" %\}"""),
    re.compile(r"""\{% translate '([^']+)' %\}"""),
    re.compile(r"""\b_\(\s*"((?:[^"\\]|\\.)+)"\s*[,)]"""),
]


def test_every_ui_string_in_the_code_is_in_the_catalog():
    known = {e.msgid for e in catalog() if e.translated()}
    missing = set()
    for path in list((ROOT / "lifelong").rglob("*.html")) + list((ROOT / "lifelong").rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in SOURCE_STRINGS:
            missing |= {m.encode().decode("unicode_escape") if "\\" in m else m for m in pattern.findall(text)} - known
    assert not missing, f"run makemessages and translate: {sorted(missing)}"


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/network/330424001/"])
def test_pages_carry_security_headers(demo, path):
    response = Client().get(path)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert not re.search(r"""(src|href)=["']https?://""", response.content.decode())


def test_signing_in_keeps_the_browser_language_until_the_person_chooses_one(demo):
    english = Client(headers={"accept-language": "en"})
    english.post("/accounts/login/", {"phone": "13900000006", "password": demo.password})
    assert english.get("/me/")["Content-Language"] == "en"
    english.post("/preferences/language/", {"language": "zh-hans"})
    elsewhere = Client(headers={"accept-language": "en"})
    elsewhere.post("/accounts/login/", {"phone": "13900000006", "password": demo.password})
    assert elsewhere.get("/me/")["Content-Language"] == "zh-hans"  # the choice follows the account
