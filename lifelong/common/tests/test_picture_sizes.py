"""The picture component's layout hint: a card's picture on a phone is a 6rem thumbnail, so a
phone (even at 3× pixels) fetches the small file; only a page's cover asks for the large one."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from PIL import Image

from lifelong.common.pictures import picture_create

pytestmark = pytest.mark.django_db


def a_picture(actor):
    data = io.BytesIO()
    Image.new("RGB", (1600, 900), (11, 93, 59)).save(data, "PNG")
    upload = SimpleUploadedFile("photo.png", data.getvalue(), content_type="image/png")
    return picture_create(actor=actor, upload=upload, alt="读书会")


def test_a_cards_picture_asks_a_phone_for_a_thumbnail_and_a_cover_for_the_screen(demo):
    picture = a_picture(demo.organizer)
    card = render_to_string("common/components/picture.html", {"picture": picture, "size": "small"})
    assert 'sizes="(min-width: 48rem) 25rem, (min-width: 40rem) 50vw, 7rem"' in card
    cover = render_to_string("common/components/picture.html", {"picture": picture, "size": "large"})
    assert 'sizes="(min-width: 75rem) 1200px, 100vw"' in cover
    # A page that knows its own layout says so.
    preview = render_to_string(
        "common/components/picture.html", {"picture": picture, "size": "small", "sizes": "16rem"}
    )
    assert 'sizes="16rem"' in preview
