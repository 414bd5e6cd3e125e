"""Small real files of every accepted type (and some impostors), and resources made through
the services as staff would."""

import io
from decimal import Decimal

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from reportlab.pdfgen.canvas import Canvas

from lifelong.institutions.models import Institution
from lifelong.resources import services


def pdf_bytes(text: str = "Lifelong test") -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(72, 720, text)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00\x00\x00\x08free" + b"\x00" * 64
M4A = b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00M4A mp42isom\x00\x00\x00\x00" + b"\x00" * 64
WEBM = (
    b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08"
    b"\x42\x82\x84webm\x42\x87\x81\x04\x42\x85\x81\x02" + b"\x00" * 64
)
MKV = WEBM.replace(b"\x42\x82\x84webm", b"\x42\x82\x88matroska")
MP3 = b"ID3\x03\x00\x00\x00\x00\x00\x0a" + b"\x00" * 10 + b"\xff\xfb\x90\x00" + b"\x00" * 400
MP3_NO_TAG = b"\xff\xfb\x90\x00" + b"\x00" * 400
OGG = b"OggS\x00\x02" + b"\x00" * 20 + b"\x01vorbis" + b"\x00" * 64
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde" + b"\x00" * 32
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
PDF_POLYGLOT = b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF"


def stored_files(directory: str = "resources") -> list[str]:
    """Every file the library stored."""
    try:
        folders, files = default_storage.listdir(directory)
    except FileNotFoundError:
        return []
    return [f"{directory}/{f}" for f in files] + [p for d in folders for p in stored_files(f"{directory}/{d}")]


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def tongyuan_school() -> Institution:
    return Institution.objects.select_related("region").get(kind="community_school", region__code="330424105")


def publish_pdf(demo, *, title="防骗指南", hours=Decimal("1.5"), visibility="public", publish=True, **fields):
    """A PDF of the Tongyuan community school, shared by its organizer."""
    return services.resource_create(
        actor=demo.organizer,
        institution=tongyuan_school(),
        kind="document",
        upload=upload("guide.pdf", pdf_bytes(), "application/pdf"),
        publish=publish,
        title=title,
        category=fields.pop("category", "digital_skills"),
        hours=hours,
        visibility=visibility,
        **fields,
    )


def publish_link(demo, *, title="国家图书馆", institution=None, hours=Decimal("0"), visibility="public", **fields):
    return services.resource_create(
        actor=fields.pop("actor", demo.county_admin),
        institution=institution or tongyuan_school(),
        kind="link",
        publish=fields.pop("publish", True),
        url=fields.pop("url", "https://www.nlc.cn/"),
        title=title,
        category=fields.pop("category", "reading"),
        hours=hours,
        visibility=visibility,
        **fields,
    )
