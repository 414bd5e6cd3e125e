"""PDFs of the passport: the learning archive and a certificate, in the reader's language.

Text is set in WenQuanYi Micro Hei, embedded (only the glyphs used), so Chinese names and
titles print correctly on any machine and the text stays extractable (copy, search, screen
readers)."""

import io
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

import segno
from django.conf import settings
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext as _
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from lifelong.accounts.models import User
from lifelong.common.links import public_reverse

from .models import Certificate
from .selectors import PassportSummary, learner_certificates, passport_entries, passport_summary

# No PDF built here fetches anything: the only outside file is the font, opened by path.
rl_config.trustedSchemes = []
rl_config.trustedHosts = []

FONT = "LifelongHei"
FONT_FILE = Path(__file__).parent / "fonts" / "WenQuanYiMicroHei.ttf"
INK = colors.HexColor("#1d3557")
ARCHIVE_ENTRIES_MAX = 2000  # a lifetime of weekly classes; the CSV and JSON exports have all


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE)))
    return FONT


def _text(value, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text. ReportLab reads paragraph text as markup (and would load an
    <img> it names), while names and titles come from users: everything is escaped."""
    return Paragraph(escape(str(value)), style)


def _styles() -> dict[str, ParagraphStyle]:
    font = _font()
    return {
        "title": ParagraphStyle("title", fontName=font, fontSize=20, leading=28, textColor=INK, spaceAfter=6),
        "h2": ParagraphStyle("h2", fontName=font, fontSize=14, leading=20, textColor=INK, spaceBefore=10, spaceAfter=4),
        "body": ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16),
        "cell": ParagraphStyle("cell", fontName=font, fontSize=9.5, leading=13),
    }


def _table(rows: list[list], widths: list[float], styles) -> Table:
    cells = [[_text(value, styles["cell"]) for value in row] for row in rows]
    table = Table(cells, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9eef5")),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa5b1")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _hours(value: Decimal) -> str:
    return f"{value:.1f}"


def archive_pdf(learner: User) -> bytes:
    """The learner's archive: totals, hours by category, every entry and the certificates."""
    styles = _styles()
    summary = passport_summary(learner=learner)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=_("Learning archive of %(name)s") % {"name": learner.name},
        author=str(settings.SITE_NAME),
    )
    story = _archive_heading(learner, summary, styles)
    story += _archive_categories(summary, styles)
    story += _archive_entries(learner, styles)
    story += _archive_certificates(learner, styles)
    story += [
        Spacer(1, 8 * mm),
        _text(
            _("Each certificate can be checked by anyone at %(url)s.")
            % {"url": public_reverse("passport:verify_search")},
            styles["body"],
        ),
    ]
    document.build(story)
    return buffer.getvalue()


def _archive_heading(learner: User, summary: PassportSummary, styles: dict[str, ParagraphStyle]) -> list:
    """Who, from where, when the archive was made, and the totals."""
    home = learner.home_region
    story = [
        _text(_("Learning archive"), styles["title"]),
        _text(_("Learner: %(name)s") % {"name": learner.name}, styles["body"]),
    ]
    if home is not None:
        place = f"{home.parent.display_name} · {home.display_name}" if home.parent_id else home.display_name
        story.append(_text(_("Home: %(place)s") % {"place": place}, styles["body"]))
    story += [
        _text(_("Made on %(date)s") % {"date": format_date(timezone.localtime(), "Y-m-d H:i")}, styles["body"]),
        _text(
            _("Learning hours in all: %(hours)s · points: %(points)s")
            % {"hours": _hours(summary.total_hours), "points": summary.total_points},
            styles["body"],
        ),
        _text(
            _("In %(year)s: %(hours)s hours · %(points)s points")
            % {"year": summary.year, "hours": _hours(summary.year_hours), "points": summary.year_points},
            styles["body"],
        ),
    ]
    return story


def _archive_categories(summary: PassportSummary, styles: dict[str, ParagraphStyle]) -> list:
    if not summary.by_category_lifetime:
        return []
    rows = [[_("Category"), _("Hours"), _("Points")]]
    rows += [[label, _hours(hours), points] for _value, label, hours, points in summary.by_category_lifetime]
    return [_text(_("Hours by category"), styles["h2"]), _table(rows, [80 * mm, 40 * mm, 40 * mm], styles)]


def _archive_entries(learner: User, styles: dict[str, ParagraphStyle]) -> list:
    """Every entry of the ledger (up to ARCHIVE_ENTRIES_MAX), a correction named as one."""
    story = [_text(_("What I learned"), styles["h2"])]
    entries = list(passport_entries(learner=learner)[:ARCHIVE_ENTRIES_MAX])
    if not entries:
        story.append(_text(_("No learning recorded yet."), styles["body"]))
        return story
    rows = [[_("Date"), _("What"), _("Source"), _("Hours"), _("Points")]]
    for record in entries:
        what = record.display_title
        if record.reverses_id:
            what = _("Correction: %(title)s") % {"title": what}
        rows.append(
            [record.learned_on.isoformat(), what, record.get_source_display(), _hours(record.hours), record.points]
        )
    story.append(_table(rows, [24 * mm, 80 * mm, 30 * mm, 20 * mm, 20 * mm], styles))
    return story


def _archive_certificates(learner: User, styles: dict[str, ParagraphStyle]) -> list:
    certificates = list(learner_certificates(learner=learner))
    if not certificates:
        return []
    rows = [[_("Serial number"), _("What was completed"), _("Hours"), _("Issued on"), _("Status")]]
    rows += [
        [c.serial, c.display_title, _hours(c.hours), c.issued_on.isoformat(), c.get_status_display()]
        for c in certificates
    ]
    return [_text(_("Certificates"), styles["h2"]), _table(rows, [38 * mm, 62 * mm, 18 * mm, 26 * mm, 20 * mm], styles)]


def _draw_qr(canvas: Canvas, text: str, x: float, y: float, size: float) -> None:
    qr = segno.make(text, error="m")
    matrix = list(qr.matrix_iter(border=2))
    module = size / len(matrix)
    canvas.setFillColor(colors.black)
    for row_index, row in enumerate(matrix):
        for col_index, dark in enumerate(row):
            if dark:
                canvas.rect(
                    x + col_index * module, y + size - (row_index + 1) * module, module, module, stroke=0, fill=1
                )


def certificate_pdf(certificate: Certificate) -> bytes:
    """One landscape page: the holder, what they completed, the hours, and a QR code to the
    public verify page."""
    font = _font()
    width, height = landscape(A4)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height))
    canvas.setTitle(_("Certificate %(serial)s") % {"serial": certificate.serial})
    canvas.setAuthor(str(settings.SITE_NAME))
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(3)
    canvas.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    canvas.setLineWidth(0.8)
    canvas.rect(16 * mm, 16 * mm, width - 32 * mm, height - 32 * mm)
    canvas.setFillColor(INK)
    canvas.setFont(font, 30)
    canvas.drawCentredString(width / 2, height - 50 * mm, _("Certificate of completion"))
    canvas.setFillColor(colors.black)
    canvas.setFont(font, 26)
    canvas.drawCentredString(width / 2, height - 78 * mm, certificate.learner.name)
    canvas.setFont(font, 15)
    canvas.drawCentredString(
        width / 2, height - 96 * mm, _("has completed “%(title)s”") % {"title": certificate.display_title}
    )
    canvas.drawCentredString(
        width / 2,
        height - 108 * mm,
        _("%(hours)s learning hours · %(institution)s")
        % {"hours": _hours(certificate.hours), "institution": certificate.institution_name},
    )
    canvas.drawCentredString(
        width / 2, height - 120 * mm, _("Issued on %(date)s") % {"date": certificate.issued_on.isoformat()}
    )
    verify_url = public_reverse("passport:verify", args=[certificate.serial])
    _draw_qr(canvas, verify_url, width - 62 * mm, 24 * mm, 34 * mm)
    canvas.setFont(font, 10)
    canvas.drawString(26 * mm, 40 * mm, _("Serial number: %(serial)s") % {"serial": certificate.serial})
    canvas.drawString(26 * mm, 33 * mm, _("Check it by scanning the code, or at %(url)s") % {"url": verify_url})
    canvas.drawString(26 * mm, 26 * mm, _("Signed with Ed25519 key %(key)s") % {"key": certificate.key.key_id})
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
