"""What an uploaded file really is, judged by its first bytes (never by the name or the
Content-Type the browser sent).

The binary formats are recognised by `filetype` (magic numbers: PDF `%PDF`, the ISO-BMFF
`ftyp` box of MP4 and M4A, the EBML header and `webm` doctype of WebM, ID3 or an MPEG frame
sync for MP3, `OggS`, PNG and JPEG). On top of it this module keeps an allow-list: only the
types a browser shows or plays by itself are accepted, each with the file-name extensions it
may carry. A PDF must begin with `%PDF-` at byte 0, and a file whose head holds HTML, SVG or
script markup is refused whatever magic it starts with, so a page disguised as a PDF (or a
PDF/HTML polyglot) never gets in.
"""

import re
from dataclasses import dataclass

import filetype

HEAD_BYTES = 8192


@dataclass(frozen=True)
class FileType:
    """A type we accept: its MIME type (what the file is served as), its kind (document, video,
    audio or image: the values of `resources.choices.ResourceKind`, kept as plain text so this
    module imports no app), the extensions its name may end in, and the one used when the file
    is stored or downloaded."""

    mime: str
    kind: str
    extensions: tuple[str, ...]

    @property
    def extension(self) -> str:
        return self.extensions[0]


ACCEPTED = {
    "application/pdf": FileType("application/pdf", "document", ("pdf",)),
    "video/mp4": FileType("video/mp4", "video", ("mp4", "m4v")),
    "video/webm": FileType("video/webm", "video", ("webm",)),
    "audio/mpeg": FileType("audio/mpeg", "audio", ("mp3",)),
    "audio/mp4": FileType("audio/mp4", "audio", ("m4a",)),
    "audio/ogg": FileType("audio/ogg", "audio", ("ogg", "oga", "opus")),
    "image/png": FileType("image/png", "image", ("png",)),
    "image/jpeg": FileType("image/jpeg", "image", ("jpg", "jpeg")),
}

# Markup a browser could run or render as a page. Looked for in the head of every file: real
# media and PDFs do not carry it there, pages and scripts dressed up as them do. Each pattern
# is five bytes or more, so random binary data (a video's first frames) does not match it.
MARKUP = re.compile(
    rb"<\s*(?:!doctype|html|head|body|script|svg|iframe|object|embed|meta|style)|javascript:",
    re.IGNORECASE,
)


def sniff(head: bytes) -> FileType | None:
    """The accepted type of a file starting with `head` (its first HEAD_BYTES bytes), or None
    when it is none of them, or when it carries markup."""
    if not head or MARKUP.search(head):
        return None
    found = filetype.guess(bytes(head[:HEAD_BYTES]))
    accepted = ACCEPTED.get(found.mime) if found is not None else None
    if accepted is None:
        return None
    if accepted.mime == "application/pdf" and not head.startswith(b"%PDF-"):
        return None  # filetype forgives a BOM or a missing dash; PDF readers and we do not
    return accepted


def extension_of(name: str) -> str:
    """The lower-case extension of a file name, without the dot ("" when there is none)."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""
