"""What `make tour` and the accessibility tests measure on a page open in Playwright: axe-core's
WCAG 2.1 A/AA violations, the page's weight, where its first heading starts, and (elder mode)
the interactive targets smaller than 48×48 CSS px. One implementation, so that the tour's
report and the tests in `make test` can never disagree about what counts."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
AXE_PATH = REPO / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
IMPACTS = ("critical", "serious", "moderate", "minor")
# Elder mode promises every target at least this size (issue 13; WCAG 2.5.5 AAA is 44 px).
ELDER_TARGET_PX = 48

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
VIEWPORTS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 860}}


class AxeMissing(RuntimeError):
    pass


@cache
def axe_source() -> str:
    if not AXE_PATH.exists():
        raise AxeMissing(f"{AXE_PATH} is missing: run `npm ci` at the repository root (make tour / make test do).")
    return AXE_PATH.read_text(encoding="utf-8")


# Runs in the page. Targets are what a finger can hit: visible links, buttons, form fields,
# summaries and custom controls. Two kinds are left out, as WCAG 2.5.8 leaves them out:
# a link inside running text (its parent is a p/li/td/dd that also holds other words), whose
# size the line of text sets; and a checkbox or radio whose <label> is the real tap area and
# is big enough. Hidden, zero-size and visually-hidden (1 px, e.g. the skip link until focused)
# elements are not targets.
SMALL_TARGETS_JS = """
(minimum) => {
  const SELECTOR = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
    + '[role=button], [tabindex]:not([tabindex="-1"])';
  const RUNNING_TEXT = new Set(['P', 'LI', 'TD', 'DD']);
  const visible = (el, r) => {
    if (r.width <= 1 || r.height <= 1) return false;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none' || parseFloat(style.opacity) === 0) return false;
    if (el.closest('[hidden], [inert], [aria-hidden="true"]')) return false;
    const clip = style.clip;
    if (clip && clip !== 'auto' && /rect\\(0(px)?,? 0(px)?,? 0(px)?,? 0(px)?\\)/.test(clip)) return false;
    return r.right > 0 && r.bottom + window.scrollY > 0;
  };
  const inRunningText = (el) => {
    if (el.tagName !== 'A') return false;
    const parent = el.parentElement;
    if (!parent || !RUNNING_TEXT.has(parent.tagName)) return false;
    const rest = parent.textContent.replace(el.textContent, '');
    return rest.trim().length > 0;
  };
  const labelBox = (el) => {
    if (el.tagName !== 'INPUT' || !['checkbox', 'radio'].includes(el.type) || !el.labels) return null;
    let best = null;
    for (const label of el.labels) {
      const r = label.getBoundingClientRect();
      if (!best || r.width * r.height > best.width * best.height) best = r;
    }
    return best;
  };
  const describe = (el) => {
    const parts = [];
    let node = el;
    for (let depth = 0; node && node.nodeType === 1 && depth < 4; depth++) {
      let part = node.tagName.toLowerCase();
      if (node.id) { parts.unshift(part + '#' + node.id); break; }
      const classes = [...node.classList].slice(0, 2);
      if (classes.length) part += '.' + classes.join('.');
      const parent = node.parentElement;
      if (parent) {
        const same = [...parent.children].filter((c) => c.tagName === node.tagName);
        if (same.length > 1) part += ':nth-of-type(' + (same.indexOf(node) + 1) + ')';
      }
      parts.unshift(part);
      node = parent;
    }
    return parts.join(' > ');
  };
  const small = [];
  for (const el of document.querySelectorAll(SELECTOR)) {
    const r = el.getBoundingClientRect();
    if (!visible(el, r) || inRunningText(el)) continue;
    let width = r.width, height = r.height;
    const label = labelBox(el);
    if (label) { width = Math.max(width, label.width); height = Math.max(height, label.height); }
    if (width + 0.5 < minimum || height + 0.5 < minimum) {
      const labelText = el.labels && el.labels.length ? el.labels[0].textContent : '';
      const text = (el.getAttribute('aria-label') || labelText || el.innerText || el.textContent
        || el.getAttribute('title') || el.value || '')
        .trim().replace(/\\s+/g, ' ').slice(0, 40);
      small.push({selector: describe(el), text, width: Math.round(width), height: Math.round(height)});
    }
  }
  return small;
}
"""

WEIGHT_JS = """
() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const resources = performance.getEntriesByType('resource');
  const bytes = (nav ? nav.transferSize : 0) + resources.reduce((sum, r) => sum + (r.transferSize || 0), 0);
  return {bytes, requests: resources.length + 1};
}
"""

# How far the page reaches past the right edge of the screen (a sideways scroll on a phone),
# fixed bars included, which never scroll and are simply cut off.
OVERFLOW_JS = """
() => {
  let right = document.documentElement.scrollWidth;
  for (const el of document.querySelectorAll('body *')) {
    if (getComputedStyle(el).position !== 'fixed') continue;
    const r = el.getBoundingClientRect();
    if (r.width && r.height) right = Math.max(right, r.right);
  }
  return Math.max(0, Math.round(right - document.documentElement.clientWidth));
}
"""

HEADING_TOP_JS = """
() => {
  const h1 = document.querySelector('h1');
  if (!h1) return null;
  const r = h1.getBoundingClientRect();
  return r.height ? Math.round(r.top + window.scrollY) : null;
}
"""


@dataclass
class PageCheck:
    """One page in one view: what the tour prints on one line."""

    url: str
    status: int | None = None
    impacts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(IMPACTS, 0))
    violations: list[dict[str, Any]] = field(default_factory=list)
    kilobytes: float = 0.0
    requests: int = 0
    heading_top: int | None = None
    overflow_px: int = 0  # how far past the screen's right edge the page reaches
    small_targets: list[dict[str, Any]] | None = None  # measured in elder mode only
    problems: list[str] = field(default_factory=list)  # the page could not be seen as asked (redirect, error)

    @property
    def blocking(self) -> list[str]:
        """Why this page fails the bar (empty when it passes)."""
        reasons = list(self.problems)
        if self.status is None or self.status >= 400:
            reasons.append(f"HTTP {self.status}")
        if self.impacts["critical"] or self.impacts["serious"]:
            serious = [v["id"] for v in self.violations if v["impact"] in ("critical", "serious")]
            reasons.append("axe: " + ", ".join(serious))
        if self.small_targets:
            reasons.append(f"{len(self.small_targets)} elder targets < {ELDER_TARGET_PX}px")
        return reasons

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def axe_violations(page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now.

    axe is evaluated through the DevTools protocol rather than `page.add_script_tag`: the
    site's Content-Security-Policy (script-src 'self') rightly refuses an inline script tag,
    and bypassing the policy for the whole context would let the screenshots show a page that
    real browsers would not."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    results = page.evaluate(
        """(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
             .then((r) => r.violations.map((v) => ({
               id: v.id, impact: v.impact, help: v.help,
               nodes: v.nodes.slice(0, 8).map((n) => ({target: n.target.join(' '), summary: n.failureSummary})),
               count: v.nodes.length,
             })))""",
        AXE_TAGS,
    )
    return results


def small_targets(page, minimum: int = ELDER_TARGET_PX) -> list[dict[str, Any]]:
    return page.evaluate(SMALL_TARGETS_JS, minimum)


def check_page(page, url: str, *, elder: bool, response=None) -> PageCheck:
    """Measure the page already open at `url` (call after `page.goto`)."""
    check = PageCheck(url=url, status=response.status if response is not None else None)
    weight = page.evaluate(WEIGHT_JS)
    check.kilobytes = round(weight["bytes"] / 1024, 1)
    check.requests = weight["requests"]
    check.heading_top = page.evaluate(HEADING_TOP_JS)
    check.overflow_px = page.evaluate(OVERFLOW_JS)
    check.violations = axe_violations(page)
    for violation in check.violations:
        check.impacts[violation["impact"] or "minor"] += 1
    if elder:
        check.small_targets = small_targets(page)
    return check


def describe_failures(check: PageCheck) -> str:
    """A readable account of a failing check for an assertion message."""
    lines = [f"{check.url}: " + "; ".join(check.blocking)]
    for violation in check.violations:
        if violation["impact"] in ("critical", "serious"):
            targets = ", ".join(node["target"] for node in violation["nodes"][:4])
            lines.append(f"  axe {violation['impact']} {violation['id']} ×{violation['count']}: {targets}")
    for target in (check.small_targets or [])[:12]:
        lines.append(f"  small {target['width']}×{target['height']} {target['selector']} “{target['text']}”")
    return "\n".join(lines)


def demo_pages() -> dict[str, str]:
    """Pages that need a particular object in the demo: an activity coming (and a search that finds
    it), one full and one past, a real certificate's verify page. Call with Django set up."""
    from django.db.models import F, Max, Min
    from django.utils import timezone

    from lifelong.activities.models import Activity
    from lifelong.passport.models import Certificate

    now = timezone.now()
    published = Activity.objects.filter(status="published").annotate(
        first_start=Min("sessions__starts_at"), last_end=Max("sessions__ends_at")
    )
    coming = published.filter(first_start__gt=now)
    pages = {}
    if (activity := coming.filter(seats_taken__lt=F("capacity")).order_by("first_start").first()) is not None:
        pages["activity-coming"] = f"/activities/{activity.pk}/"
        pages["activities-search"] = f"/activities/?q={activity.title[:2]}"
    full = published.filter(seats_taken__gte=F("capacity"), last_end__gt=now).order_by("first_start").first()
    if full is not None:
        pages["activity-full"] = f"/activities/{full.pk}/"
    if (past := published.filter(last_end__lt=now).order_by("-last_end").first()) is not None:
        pages["activity-past"] = f"/activities/{past.pk}/"
    if (certificate := Certificate.objects.order_by("pk").first()) is not None:
        pages["verify-certificate"] = f"/verify/{certificate.serial}/"
    return pages
