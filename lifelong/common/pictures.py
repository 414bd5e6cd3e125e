"""Cover pictures: an upload checked by its bytes and re-encoded into two JPEG sizes.

What a browser receives is never the uploaded file: Pillow decodes it (PNG, JPEG or WebP,
recognised by content whatever the name or the browser's type say), turns it upright by its
EXIF orientation, flattens it onto white, and writes new progressive JPEGs without any
metadata, so a phone's GPS position, a camera serial or anything smuggled into a comment
never reaches a reader. Both sizes keep the picture's own proportions (no crop): they are the
same picture at two widths, which is what an `<img srcset>` promises the browser; cards that
want one shape crop with CSS `object-fit`.

Pictures are shared by reference (the demo puts one on several activities), so replacing an
object's cover leaves the old row and files in place rather than deleting them.
"""

import io
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from .choices import AuditAction
from .errors import InvalidInput
from .models import Picture
from .services import audit_record

# Pillow recognises these by their bytes; nothing else is tried (no GIF, SVG, BMP, TIFF…).
ACCEPTED_FORMATS = ("PNG", "JPEG", "WEBP")
# Widest (and tallest) each size may be; smaller pictures are never enlarged.
LARGE_BOX = (1200, 1200)
SMALL_WIDTH = 480
JPEG_QUALITY = 80
SIZES = ("large", "small")


@dataclass(frozen=True)
class _Rendered:
    large: bytes
    large_size: tuple[int, int]
    small: bytes
    small_size: tuple[int, int]


def _refusal(field: str) -> InvalidInput:
    return InvalidInput(
        _("This file is not a picture we can use. Upload a photo or picture saved as JPEG, PNG or WebP."),
        code="bad_picture",
        field=field,
    )


# A PNG or WebP this large (a 6,000 × 4,000 canvas) still decodes in about 100 MB; JPEG photos
# may be bigger (up to Pillow's MAX_IMAGE_PIXELS) because they are decoded scaled down.
LOSSLESS_MAX_PIXELS = 24_000_000


def _too_large(field: str) -> InvalidInput:
    return InvalidInput(
        _("The picture is too large: at most %(mb)s MB, and a PNG or WebP at most 24 million pixels.")
        % {"mb": settings.PICTURES_UPLOAD_MAX_BYTES // (1024 * 1024)},
        code="picture_too_large",
        field=field,
    )


def _decoded(data: bytes, field: str) -> Image.Image:
    """The picture, fully decoded, or a refusal. A decompression bomb (more pixels than
    Pillow's MAX_IMAGE_PIXELS) is refused before its pixels are allocated: Pillow's warning
    is turned into an error, not merely logged."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            # verify() reads the whole file's structure (checksums, truncation) without
            # decoding; it leaves the image unusable, so it is opened a second time to decode.
            with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as probe:
                probe.verify()
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
            if image.format not in ("JPEG", "MPO") and image.width * image.height > LOSSLESS_MAX_PIXELS:
                # PNG and WebP decode at full size (no DCT scaling), and a small file can hold a
                # huge canvas: refuse it from its header, before its pixels are allocated.
                raise Image.DecompressionBombError("too many pixels for a lossless picture")
            if image.format in ("JPEG", "MPO"):  # MPO: a phone's JPEG with a second picture appended
                # Decode a big camera photo at a fraction of its size (JPEG's DCT scaling):
                # it saves most of the memory and time and still leaves more than LARGE_BOX.
                image.draft("RGB", (LARGE_BOX[0] * 2, LARGE_BOX[1] * 2))
            image.load()
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise _too_large(field) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            raise _refusal(field) from None
    return image


def _srgb(image: Image.Image) -> Image.Image:
    """Colours as the picture meant them: a phone's wide-gamut (Display P3) photo is converted
    to sRGB before its ICC profile is dropped with the rest of the metadata."""
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "RGBA"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        mode = image.mode
        return ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # an unreadable profile: keep the pixels as they are


def _flattened(image: Image.Image) -> Image.Image:
    """RGB on a white background (transparent parts would otherwise turn black in a JPEG)."""
    if image.mode in ("P", "PA"):
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    # No exif=, icc_profile= or comment=: the new file carries pixels only.
    image.save(out, format="JPEG", quality=JPEG_QUALITY, progressive=True, optimize=True)
    return out.getvalue()


def _render(data: bytes, field: str) -> _Rendered:
    image = _decoded(data, field)
    # Upright, whatever the camera's orientation tag; a damaged EXIF block leaves it as stored.
    with suppress(OSError, ValueError, SyntaxError):
        image = ImageOps.exif_transpose(image)
    image = _flattened(_srgb(image))
    large = image.copy()
    large.thumbnail(LARGE_BOX, Image.Resampling.LANCZOS)  # keeps proportions, never enlarges
    small = large.copy()
    if small.width > SMALL_WIDTH:
        height = max(1, round(small.height * SMALL_WIDTH / small.width))
        small = small.resize((SMALL_WIDTH, height), Image.Resampling.LANCZOS)
    return _Rendered(large=_jpeg(large), large_size=large.size, small=_jpeg(small), small_size=small.size)


def _read(upload: UploadedFile | None, field: str) -> bytes:
    if upload is None:
        raise InvalidInput(_("Choose a picture."), code="file_required", field=field)
    if upload.size is not None and upload.size > settings.PICTURES_UPLOAD_MAX_BYTES:
        raise _too_large(field)
    upload.seek(0)
    data = upload.read(settings.PICTURES_UPLOAD_MAX_BYTES + 1)
    if len(data) > settings.PICTURES_UPLOAD_MAX_BYTES:  # an upload whose stated size lied
        raise _too_large(field)
    return data


def picture_create(
    *, actor: AbstractBaseUser | None, upload: UploadedFile | None, alt: str = "", field: str = "cover"
) -> Picture:
    """A new Picture from an uploaded file: PNG, JPEG or WebP by its bytes, at most
    PICTURES_UPLOAD_MAX_MB, re-encoded into `large` (within 1200×1200) and `small` (at most
    480 wide). Every check runs before anything is written, so a refused upload stores
    nothing; errors are `InvalidInput` on `field` (`bad_picture`, `picture_too_large`,
    `file_required`). The row and both files are written together: if the row cannot be
    saved, the files are deleted again."""
    rendered = _render(_read(upload, field), field)
    picture = Picture(
        alt=(alt or "").strip()[:200],
        uploaded_by=actor if actor is not None and actor.pk else None,
        large_width=rendered.large_size[0],
        large_height=rendered.large_size[1],
        small_width=rendered.small_size[0],
        small_height=rendered.small_size[1],
    )
    picture.large.save(f"{picture.key.hex}-large.jpg", ContentFile(rendered.large), save=False)
    picture.small.save(f"{picture.key.hex}-small.jpg", ContentFile(rendered.small), save=False)
    try:
        with transaction.atomic():
            picture.save()
            audit_record(
                actor=actor,
                action=AuditAction.CREATED,
                target=picture,
                summary="picture uploaded",
                changes={"large": f"{picture.large_width}×{picture.large_height}", "alt": picture.alt},
            )
    except BaseException:
        _delete_files(picture)
        raise
    return picture


def _delete_files(picture: Picture) -> None:
    for file in (picture.large, picture.small):
        if file.name:
            file.storage.delete(file.name)


@contextmanager
def cover_from_upload(
    *, actor: AbstractBaseUser, upload: UploadedFile | None, alt: str = "", field: str = "cover_upload"
) -> Iterator[Picture | None]:
    """For services that save an object with its new cover in one transaction: yields the new
    Picture (None without an upload) and, if the rest of the block fails, deletes its files,
    which the rolled-back transaction would otherwise leave behind without a row."""
    picture = picture_create(actor=actor, upload=upload, alt=alt, field=field) if upload is not None else None
    try:
        yield picture
    except BaseException:
        if picture is not None:
            _delete_files(picture)
        raise


def picture_alt_update(*, actor: AbstractBaseUser, picture: Picture, alt: str) -> Picture:
    """Describe a picture anew (for readers who cannot see it) without uploading it again."""
    alt = (alt or "").strip()[:200]
    if picture.alt != alt:
        picture.alt = alt
        picture.save(update_fields=["alt"])
        audit_record(actor=actor, action=AuditAction.UPDATED, target=picture, changes={"alt": alt})
    return picture


def cover_after_edit(
    *,
    actor: AbstractBaseUser,
    current: Picture | None,
    new: Picture | None,
    clear: bool = False,
    alt: str | None = None,
) -> Picture | None:
    """The cover an object keeps after an edit: the `new` upload if there is one, none when
    the editor ticked "remove", otherwise the current one, described by `alt` when given (a
    picture other objects show too is copied first, so their description stays theirs).
    The replaced picture stays stored: it may be another object's cover too."""
    if new is not None:
        return new
    if clear:
        return None
    if current is not None and alt is not None and (alt or "").strip()[:200] != current.alt:
        if _cover_uses(current) > 1:
            # Shared (the demo's category pictures, a reused upload), possibly with objects
            # outside the editor's scope: the new words are this object's own, on a new row
            # over the same files, and the others keep theirs.
            return _described_copy(actor=actor, picture=current, alt=alt)
        picture_alt_update(actor=actor, picture=current, alt=alt)
    return current


def save_with_cover_edit(
    *,
    actor: AbstractBaseUser,
    target: Any,
    changed_fields: list[str],
    upload: UploadedFile | None,
    alt: str | None,
    clear: bool,
) -> list[str]:
    """Apply an edit form's cover (a new upload, "remove", or new words for the current one) to
    `target` and save its changed fields with it, in the caller's transaction; a failed save
    leaves no uploaded files behind. Returns the fields saved ("cover" among them when it
    changed); an empty list means nothing changed and nothing was written."""
    with cover_from_upload(actor=actor, upload=upload, alt=alt or "") as new:
        cover = cover_after_edit(actor=actor, current=target.cover, new=new, clear=clear, alt=alt)
        if cover != target.cover:
            target.cover = cover
            changed_fields = [*changed_fields, "cover"]
        if changed_fields:
            target.save(update_fields=changed_fields)
    return changed_fields


def _cover_uses(picture: Picture) -> int:
    """How many objects (activities, programmes, campaigns, venues) have the picture as cover."""
    relations = [rel for rel in Picture._meta.get_fields(include_hidden=True) if rel.one_to_many]
    return sum(rel.related_model._base_manager.filter(**{rel.field.name: picture}).count() for rel in relations)


def _described_copy(*, actor: AbstractBaseUser, picture: Picture, alt: str) -> Picture:
    copy = Picture(
        large=picture.large.name,
        small=picture.small.name,
        large_width=picture.large_width,
        large_height=picture.large_height,
        small_width=picture.small_width,
        small_height=picture.small_height,
        alt=(alt or "").strip()[:200],
        uploaded_by=picture.uploaded_by,
    )
    copy.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATED,
        target=copy,
        summary="picture described anew",
        changes={"alt": copy.alt},
    )
    return copy


# --- Reads ------------------------------------------------------------------------------------


def picture_by_key(*, key: UUID) -> Picture | None:
    """A picture for the public serving view. No scope: the key is random (122 bits), so only
    pages that show a picture reveal its address, and a cover never says whose it is."""
    return Picture.objects.filter(key=key).only("key", "large", "small").first()
