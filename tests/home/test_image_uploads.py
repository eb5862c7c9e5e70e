"""Editors' image uploads: a picture of too many pixels is refused before it reaches a worker
(a 11000×11000 PNG is a few hundred KB on disk and about 1 GiB in memory once decoded)."""

import io
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from wagtail.images import get_image_model
from wagtail.models import Collection

pytestmark = pytest.mark.django_db


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, "PNG", optimize=True)  # one bit a pixel: cheap to make
    return buffer.getvalue()


def upload(client, content: bytes):
    return client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Схема",
            "file": SimpleUploadedFile("skhema.png", content, content_type="image/png"),
            "collection": Collection.get_first_root_node().pk,
        },
    )


def test_the_limit_is_about_25_megapixels(settings):
    assert 20_000_000 <= settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS <= 30_000_000


def test_an_image_of_too_many_pixels_is_refused_with_a_russian_message(editor_client):
    content = png(11000, 11000)
    assert len(content) < 1024 * 1024  # small in bytes: only the pixel count stops it
    response = upload(editor_client, content)
    assert response.status_code == HTTPStatus.OK  # the form again, with its error
    errors = response.context["form"].errors["file"]
    assert len(errors) == 1
    assert errors[0].startswith("Изображение слишком большое: 121000000 пикселей, допускается не больше 25000000.")
    assert "Изображение слишком большое" in response.content.decode()
    assert not get_image_model().objects.exists()


def test_an_image_within_the_limit_is_accepted(editor_client):
    response = upload(editor_client, png(5000, 5000))
    assert response.status_code == HTTPStatus.FOUND
    assert get_image_model().objects.get().width == 5000
