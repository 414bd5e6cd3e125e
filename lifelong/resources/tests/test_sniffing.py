"""What an upload really is: accepted types by their bytes; pages, scripts and impostors refused."""

import pytest

from lifelong.common.sniffing import ACCEPTED, extension_of, sniff
from lifelong.resources.choices import ResourceKind

from .helpers import HTML, JPEG, M4A, MKV, MP3, MP3_NO_TAG, MP4, OGG, PDF_POLYGLOT, PNG, SVG, WEBM, pdf_bytes


@pytest.mark.parametrize(
    ("content", "mime", "kind"),
    [
        (pdf_bytes(), "application/pdf", "document"),
        (MP4, "video/mp4", "video"),
        (WEBM, "video/webm", "video"),
        (MP3, "audio/mpeg", "audio"),
        (MP3_NO_TAG, "audio/mpeg", "audio"),
        (M4A, "audio/mp4", "audio"),
        (OGG, "audio/ogg", "audio"),
        (PNG, "image/png", "image"),
        (JPEG, "image/jpeg", "image"),
    ],
)
def test_accepted_types_are_recognised_by_their_bytes(content, mime, kind):
    found = sniff(content)
    assert found is not None and found.mime == mime and found.kind == kind


@pytest.mark.parametrize(
    "content",
    [
        b"",
        HTML,
        SVG,
        b"<script>alert(1)</script>",
        b"  <HTML><body>hello</body></HTML>",
        PDF_POLYGLOT,  # starts like a PDF, carries a page
        b"\xef\xbb\xbf%PDF-1.4\n%%EOF",  # a BOM before the signature: no PDF reader's idea of a PDF
        b"%PDF\n",  # no version
        MKV,  # Matroska plays in few browsers: not accepted
        b"PK\x03\x04" + b"\x00" * 64,  # a zip (an XLSX, a DOCX…)
        b"MZ\x90\x00" + b"\x00" * 64,  # a Windows program
        b"GIF89a" + b"\x00" * 32,
        b"just some text that is not a file type at all",
        b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  " + b"\x00" * 64,  # QuickTime only: not accepted
    ],
)
def test_pages_scripts_and_other_types_are_refused(content):
    assert sniff(content) is None


def test_markup_after_real_media_magic_is_refused_too():
    assert sniff(PNG + b"<script>alert(1)</script>") is None
    assert sniff(MP3[:30] + b"javascript:alert(1)") is None


@pytest.mark.parametrize(
    ("name", "extension"),
    [("guide.PDF", "pdf"), ("a.b.mp4", "mp4"), ("no-extension", ""), ("dir.v2/file", ""), ("C:\\x\\y.jpg", "jpg")],
)
def test_extension_of(name, extension):
    assert extension_of(name) == extension


def test_every_accepted_kind_is_a_resource_kind():
    # The sniffer lives in the kernel and names kinds as plain text; they must stay
    # ResourceKind's values, or an upload's kind would never match the one declared.
    assert {file_type.kind for file_type in ACCEPTED.values()} <= set(ResourceKind.values)
