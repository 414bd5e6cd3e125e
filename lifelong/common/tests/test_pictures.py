"""Cover pictures: what an upload becomes, what is refused (and leaves nothing behind), how
pictures are served and rendered."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import Client
from PIL import Image

from lifelong.common.errors import InvalidInput
from lifelong.common.models import AuditEvent, Picture
from lifelong.common.pictures import picture_create


def image_bytes(fmt: str, size=(1600, 900), colour=(11, 93, 59), **save) -> bytes:
    out = io.BytesIO()
    mode = "RGBA" if fmt == "PNG" else "RGB"
    Image.new(mode, size, colour + ((255,) if mode == "RGBA" else ())).save(out, format=fmt, **save)
    return out.getvalue()


def upload(data: bytes, name="photo.png", content_type="image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_files(path="") -> set[str]:
    """Every file in the default storage (in-memory in tests)."""
    try:
        dirs, files = default_storage.listdir(path)
    except FileNotFoundError:
        return set()
    found = {f"{path}{name}" for name in files}
    for name in dirs:
        found |= stored_files(f"{path}{name}/")
    return found


def jpeg_with_gps_taken_sideways() -> bytes:
    """A 2000×1000 camera JPEG whose EXIF says "rotate 90° to view" and where it was taken."""
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was held upright, so the picture is 1000×2000
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (30.0, 31.0, 12.0)
    gps[3], gps[4] = "E", (120.0, 56.0, 3.0)
    return image_bytes("JPEG", size=(2000, 1000), exif=exif.tobytes())


@pytest.fixture
def organizer(demo):
    return demo.organizer


def test_a_png_becomes_two_jpegs_within_bounds_with_their_sizes_recorded(organizer):
    picture = picture_create(actor=organizer, upload=upload(image_bytes("PNG")), alt="  太极拳课堂  ")
    assert (picture.large_width, picture.large_height) == (1200, 675)
    assert (picture.small_width, picture.small_height) == (480, 270)
    for file, size in ((picture.large, (1200, 675)), (picture.small, (480, 270))):
        with file.open("rb") as handle:
            stored = Image.open(io.BytesIO(handle.read()))
        assert stored.format == "JPEG" and stored.size == size and stored.mode == "RGB"
        assert stored.info.get("progressive") or stored.info.get("progression")
    assert picture.alt == "太极拳课堂"
    assert picture.uploaded_by == organizer
    assert AuditEvent.objects.filter(object_type="common.picture", object_id=str(picture.pk)).exists()


def test_a_small_picture_is_never_enlarged(organizer):
    picture = picture_create(actor=organizer, upload=upload(image_bytes("WEBP", size=(300, 200)), "x.webp"))
    assert (picture.large_width, picture.large_height) == (300, 200)
    assert (picture.small_width, picture.small_height) == (300, 200)


def test_a_transparent_png_is_laid_on_white_not_black(organizer):
    out = io.BytesIO()
    Image.new("RGBA", (100, 100), (0, 0, 0, 0)).save(out, format="PNG")
    picture = picture_create(actor=organizer, upload=upload(out.getvalue()))
    with picture.small.open("rb") as handle:
        assert Image.open(io.BytesIO(handle.read())).getpixel((50, 50)) >= (250, 250, 250)


def test_a_camera_jpeg_comes_out_upright_and_without_exif_or_location(organizer):
    data = jpeg_with_gps_taken_sideways()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # the input does carry GPS
    picture = picture_create(actor=organizer, upload=upload(data, "IMG_0001.JPG", "image/jpeg"))
    # Turned upright by the orientation tag: portrait, within 1200×1200.
    assert (picture.large_width, picture.large_height) == (600, 1200)
    assert (picture.small_width, picture.small_height) == (480, 960)
    for file in (picture.large, picture.small):
        with file.open("rb") as handle:
            stored = handle.read()
        assert not Image.open(io.BytesIO(stored)).getexif()
        assert b"Exif" not in stored and b"PhoneMaker" not in stored


BAD_UPLOADS = {
    "text": (b"just some words, not a picture", "notes.png"),
    "html": (b"<!doctype html><script>alert(1)</script>", "page.jpg"),
    "svg": (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "logo.svg"),
    "gif": (image_bytes("GIF", size=(50, 50)), "anim.gif"),
    "truncated png": (image_bytes("PNG", size=(400, 400), colour=(200, 10, 10))[:300], "cut.png"),
    "empty": (b"", "empty.png"),
}


@pytest.mark.parametrize("kind", BAD_UPLOADS)
def test_anything_but_png_jpeg_or_webp_is_refused_and_nothing_is_stored(organizer, kind):
    data, name = BAD_UPLOADS[kind]
    before_files, before_rows, before_events = stored_files(), Picture.objects.count(), AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as refused:
        picture_create(actor=organizer, upload=upload(data, name))
    assert refused.value.code == "bad_picture"
    assert "JPEG" in refused.value.detail
    assert stored_files() == before_files
    assert (Picture.objects.count(), AuditEvent.objects.count()) == (before_rows, before_events)


def test_a_file_over_the_size_limit_is_refused_and_nothing_is_stored(organizer, settings):
    settings.PICTURES_UPLOAD_MAX_BYTES = 2000
    data = image_bytes("PNG", size=(400, 400), colour=(1, 2, 3), compress_level=0)
    assert len(data) > 2000
    before = stored_files()
    with pytest.raises(InvalidInput) as refused:
        picture_create(actor=organizer, upload=upload(data))
    assert refused.value.code == "picture_too_large"
    assert stored_files() == before and not Picture.objects.exists()


@pytest.mark.parametrize("pixels", [1500, 10_000], ids=["over the warning limit", "over twice the limit"])
def test_a_decompression_bomb_is_refused(organizer, monkeypatch, pixels):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    side = int(pixels**0.5)
    with pytest.raises(InvalidInput) as refused:
        picture_create(actor=organizer, upload=upload(image_bytes("PNG", size=(side, side))))
    assert refused.value.code == "picture_too_large"
    assert not Picture.objects.exists()


def test_a_huge_lossless_canvas_is_refused_from_its_header(organizer, monkeypatch):
    """A PNG under Pillow's bomb limit but over the lossless cap (a small file that would
    decode to hundreds of MB) is refused before decoding; a JPEG of the same size is not."""
    from lifelong.common import pictures

    monkeypatch.setattr(pictures, "LOSSLESS_MAX_PIXELS", 2500)
    with pytest.raises(InvalidInput) as refused:
        picture_create(actor=organizer, upload=upload(image_bytes("PNG", size=(60, 60))))
    assert refused.value.code == "picture_too_large"
    assert not Picture.objects.exists()
    assert picture_create(actor=organizer, upload=upload(image_bytes("JPEG", size=(60, 60)))).pk


def test_no_upload_is_a_clear_error(organizer):
    with pytest.raises(InvalidInput) as refused:
        picture_create(actor=organizer, upload=None)
    assert refused.value.code == "file_required"


# --- Serving ------------------------------------------------------------------------------------


def test_a_picture_is_served_to_anyone_as_an_immutable_jpeg(organizer):
    picture = picture_create(actor=organizer, upload=upload(image_bytes("PNG")))
    for size, url in (("large", picture.large_url), ("small", picture.small_url)):
        response = Client().get(url)  # nobody signed in
        assert response.status_code == 200, size
        assert response["Content-Type"] == "image/jpeg"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "immutable" in response["Cache-Control"] and "max-age=31536000" in response["Cache-Control"]
        body = b"".join(response.streaming_content)
        assert body[:2] == b"\xff\xd8"
        assert Image.open(io.BytesIO(body)).width == getattr(picture, f"{size}_width")


def test_unknown_keys_and_sizes_are_404(organizer):
    picture = picture_create(actor=organizer, upload=upload(image_bytes("PNG", size=(60, 40))))
    client = Client()
    assert client.get(f"/pictures/{picture.key}/medium.jpg").status_code == 404
    assert client.get(f"/pictures/{picture.key}/large.png").status_code == 404
    assert client.get("/pictures/5b7c8f5e-6a5d-4c1e-9b1a-2d3e4f5a6b7c/large.jpg").status_code == 404
    assert client.get("/pictures/not-a-key/large.jpg").status_code == 404
    assert client.post(picture.large_url).status_code == 405


# --- The template component -----------------------------------------------------------------------


def test_the_component_reserves_space_offers_both_sizes_and_loads_lazily(organizer):
    picture = picture_create(actor=organizer, upload=upload(image_bytes("PNG")), alt="读书会")
    card = render_to_string("common/components/picture.html", {"picture": picture, "size": "small"})
    assert f'src="{picture.small_url}" width="480" height="270"' in card
    assert 'alt="读书会"' in card and 'loading="lazy"' in card and 'decoding="async"' in card
    assert f'srcset="{picture.small_url} 480w, {picture.large_url} 1200w"' in card
    cover = render_to_string(
        "common/components/picture.html", {"picture": picture, "size": "large", "eager": True, "alt": ""}
    )
    assert f'src="{picture.large_url}" width="1200" height="675"' in cover
    assert 'alt=""' in cover and "loading=" not in cover and 'fetchpriority="high"' in cover
    assert render_to_string("common/components/picture.html", {"picture": None}).strip() == ""


# --- The demo's pictures ------------------------------------------------------------------------


def test_the_demo_pictures_are_small_and_go_through_the_pipeline_onto_two_thirds_of_activities(demo):
    from lifelong.activities.models import Activity
    from lifelong.activities.tests.helpers import published_activity
    from lifelong.institutions.models import Venue
    from lifelong.site.demo.pictures import PICTURES, PICTURES_DIR, demo_pictures_load

    files = sorted(PICTURES_DIR.glob("*.png"))
    assert {f.stem for f in files} == set(PICTURES) and 6 <= len(files) <= 10
    assert all(f.stat().st_size <= 60 * 1024 for f in files) and sum(f.stat().st_size for f in files) <= 400 * 1024
    for n in range(6):
        published_activity(demo, title=f"活动{n}", category=("health", "reading", "agriculture")[n % 3])
    assert demo_pictures_load() == len(PICTURES)
    assert Picture.objects.count() == len(PICTURES)  # each made once, then shared
    covered = Activity.objects.filter(cover__isnull=False)
    assert covered.count() == 4  # every third activity shows the card without a cover
    assert {a.cover.alt for a in covered if a.category == "health"} == {PICTURES["tai-chi"]}
    halls = Venue.objects.filter(institution__kind="experience_hall")
    assert halls.exists() and not halls.filter(cover__isnull=True).exists()
    picture = Picture.objects.get(alt=PICTURES["seaside-science"])
    assert picture.large_width == 960 and picture.small_width == 480


@pytest.mark.parametrize("fmt", ["JPEG", "MPO"])
def test_a_big_camera_photo_is_decoded_at_a_fraction_of_its_size(fmt):
    # Many phones save their photos as MPO (a JPEG with a second, depth or preview, picture
    # appended); Pillow names it "MPO", and it must get the same cheap scaled decode as JPEG.
    from lifelong.common.pictures import _decoded

    out = io.BytesIO()
    extra = {"save_all": True, "append_images": [Image.new("RGB", (60, 48))]} if fmt == "MPO" else {}
    Image.new("RGB", (6000, 4800), (11, 93, 59)).save(out, format=fmt, **extra)
    assert _decoded(out.getvalue(), "cover").size == (3000, 2400)  # 1/2: still more than LARGE_BOX
