"""Meter photos: checked by content, size-limited, no decompression bombs, EXIF stripped, stored outside
MEDIA_ROOT and served only to the plot's confirmed members and the treasurer."""

import io
from http import HTTPStatus
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from members.models import PlotClaim, ReadingSubmission
from members.readings.photos import MAX_BYTES
from tests.factories import PlotClaimFactory, UserFactory
from tests.members.readings_data import image_bytes

pytestmark = pytest.mark.django_db
URL = "/cabinet/readings/"


def send(client, meter, content: bytes, name: str = "schetchik.jpg", content_type: str = "image/jpeg"):
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    return client.post(URL, {"meter": str(meter.pk), "day": "1420", "night": "700", "photo": upload})


def photo_errors(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [p.get_text(strip=True) for p in soup.select(".form__field.has-error .form-error")]


@pytest.mark.parametrize("kind", ["JPEG", "PNG", "WEBP"])
def test_a_photo_is_stored_outside_media_and_without_exif(member_client, meter, in_window, kind):
    original = image_bytes(kind, exif=True)
    assert b"SecretPhoneMaker" in original
    response = send(member_client, meter, original, name="photo.bin", content_type="application/octet-stream")
    assert response.status_code == HTTPStatus.FOUND
    submission = ReadingSubmission.objects.get()
    stored = Path(settings.READING_PHOTO_DIR) / submission.photo
    assert stored.is_file()
    assert not stored.resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    data = stored.read_bytes()
    assert b"SecretPhoneMaker" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == kind
        assert dict(image.getexif()) == {}


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"%PDF-1.7 not a photo", "schetchik.jpg"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "schetchik.png"),
        (image_bytes("GIF"), "schetchik.jpg"),  # a real image, not one of the three
        (image_bytes("BMP"), "schetchik.webp"),
        (image_bytes("JPEG")[:200], "schetchik.jpg"),  # cut short
    ],
)
def test_only_jpeg_png_and_webp_by_content(member_client, meter, in_window, content, name):
    response = send(member_client, meter, content, name=name)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert photo_errors(response) == ["Файл не похож на фотографию: можно JPEG, PNG или WebP."]
    assert not ReadingSubmission.objects.exists()
    assert not list(Path(settings.READING_PHOTO_DIR).glob("*"))


def test_a_photo_over_ten_megabytes_is_refused(member_client, meter, in_window):
    response = send(member_client, meter, image_bytes("JPEG") + b"\0" * MAX_BYTES)
    assert photo_errors(response) == ["Фото больше 10 МБ: уменьшите его или сфотографируйте заново."]
    assert not ReadingSubmission.objects.exists()


@pytest.mark.parametrize("size", [(6000, 5000), (30000, 30000)])  # over our 25 Mpx; over Pillow's own bomb limit
def test_a_decompression_bomb_is_refused(member_client, meter, in_window, size):
    buffer = io.BytesIO()
    Image.new("1", size).save(buffer, "PNG")  # a few kilobytes that would decode to hundreds of megabytes
    assert len(buffer.getvalue()) < MAX_BYTES
    response = send(member_client, meter, buffer.getvalue(), name="bomb.png", content_type="image/png")
    assert photo_errors(response) == ["У фото слишком большое разрешение; пришлите снимок поменьше."]
    assert not ReadingSubmission.objects.exists()


@pytest.fixture
def photographed(member_client, meter, in_window):
    send(member_client, meter, image_bytes("JPEG", exif=True))
    return ReadingSubmission.objects.get()


def photo_url(submission) -> str:
    return f"/cabinet/readings/photos/{submission.pk}/"


def test_the_member_sees_the_photo_link_and_the_photo(member_client, photographed):
    page = member_client.get(URL).content.decode()
    assert photo_url(photographed) in page
    response = member_client.get(photo_url(photographed))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "image/jpeg"
    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}
    assert b"SecretPhoneMaker" not in b"".join(response.streaming_content)


def test_a_co_owner_and_the_treasurer_see_it(photographed, treasurer):
    co_owner = UserFactory(username="co-owner")
    PlotClaimFactory(user=co_owner, plot=photographed.meter.plot, status=PlotClaim.Status.CONFIRMED)
    for user in (co_owner, treasurer):
        client = Client()
        client.force_login(user)
        assert client.get(photo_url(photographed)).status_code == HTTPStatus.OK


@pytest.mark.parametrize("who", ["stranger", "pending", "editor"])
def test_anyone_else_gets_a_404(photographed, who):
    user = UserFactory(username=who, is_staff=who == "editor", groups=["Editors"] if who == "editor" else None)
    if who == "pending":
        PlotClaimFactory(user=user, plot=photographed.meter.plot, status=PlotClaim.Status.PENDING)
    client = Client()
    client.force_login(user)
    assert client.get(photo_url(photographed)).status_code == HTTPStatus.NOT_FOUND


def test_a_visitor_is_sent_to_the_login(photographed):
    response = Client().get(photo_url(photographed))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")


def test_a_new_photo_replaces_the_old_file(member_client, meter, photographed):
    old = Path(settings.READING_PHOTO_DIR) / photographed.photo
    send(member_client, meter, image_bytes("PNG"), name="new.png", content_type="image/png")
    submission = ReadingSubmission.objects.get()
    assert submission.photo.endswith(".png") and not old.exists()
    member_client.post(URL, {"meter": str(meter.pk), "day": "1421", "night": "700"})  # no photo: the old one stays
    assert ReadingSubmission.objects.get().photo == submission.photo
