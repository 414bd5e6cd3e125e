"""Rich text: what HTML an article body may carry (activity descriptions take the same
allow-list minus pictures), and its plain text. No app is imported: news and activities use it.

Bodies come from the console's editor (Trix) or the API, and may be pasted from a word
processor, so they are cleaned by an allow-list with `nh3` (the Rust `ammonia` sanitiser)
before they are stored; nothing else is ever rendered unescaped. What survives: text
structure (paragraphs, headings, lists, quotes, tables), emphasis, links to web, mail and
phone addresses (opened with `rel="noopener noreferrer nofollow"`), and pictures only from
this site's own article images, so a body can neither run script nor load a tracker.
"""

import html
import re

import nh3

IMAGE_PATH = "/news/images/"

TAGS = {
    "p", "br", "div", "h1", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "del", "sub", "sup",
    "blockquote", "ul", "ol", "li", "a", "img", "figure", "figcaption", "table", "thead",
    "tbody", "tr", "th", "td", "pre", "code", "hr",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Their content goes with them (for every other unknown tag only the tag goes).
DROPPED_WITH_CONTENT = {"script", "style", "svg", "math", "iframe", "object", "embed", "template", "noscript"}
SIZE = re.compile(r"\d{1,4}")
# Exactly the address of an uploaded article image (`/news/images/<key>/`): nothing that
# climbs out of it (`/news/images/../../accounts/...` would make readers' browsers request
# any page of the site) and no query string.
IMAGE_SRC = re.compile(re.escape(IMAGE_PATH) + r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if IMAGE_SRC.fullmatch(value) else None
    if attribute in {"width", "height", "colspan", "rowspan"}:
        return value if SIZE.fullmatch(value) else None
    return value


_cleaner = nh3.Cleaner(
    tags=TAGS,
    clean_content_tags=DROPPED_WITH_CONTENT,
    attributes=ATTRIBUTES,
    attribute_filter=_attribute_filter,
    url_schemes=URL_SCHEMES,
    link_rel="noopener noreferrer nofollow",
    strip_comments=True,
)
_text_only = nh3.Cleaner(tags=set(), clean_content_tags=DROPPED_WITH_CONTENT, attributes={})
BLOCK_END = re.compile(r"</(?:p|div|h[1-4]|li|blockquote|figcaption|tr|pre)>|<br\s*/?>", re.IGNORECASE)
SPACES = re.compile(r"[ \t\r\f\v]+")
BLANK_LINES = re.compile(r"\n\s*\n+")


def clean(body: str) -> str:
    """The body as it may be stored and shown: allowed tags and attributes only."""
    return _cleaner.clean(body or "").strip()


def plain_text(body: str) -> str:
    """The words of a (cleaned) body, one block per line: for search, feeds and summaries."""
    text = _text_only.clean(BLOCK_END.sub("\n", body or ""))
    text = SPACES.sub(" ", html.unescape(text))
    return BLANK_LINES.sub("\n", "\n".join(line.strip() for line in text.splitlines())).strip()
