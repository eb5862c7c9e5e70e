"""Uploads: the treasurer's imports, Wagtail documents and images refuse wrong types and
oversize files; documents are served so that a browser never runs them."""

import io
from http import HTTPStatus
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from billing.models import ImportBatch, Reading
from billing.services.imports import MAX_UPLOAD_BYTES
from billing.services.imports.tmp_storage import pending_save
from tests.factories import MeterFactory, PlotFactory

pytestmark = pytest.mark.django_db


FILES = Path(__file__).resolve().parent.parent / "files"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, "PNG")
    return buffer.getvalue()


def upload_document(client, name: str, content: bytes):
    return client.post(
        reverse("wagtaildocs:add"),
        {
            "title": name,
            "file": SimpleUploadedFile(name, content),
            "collection": Collection.get_first_root_node().pk,
        },
    )


def upload_image(client, name: str, content: bytes):
    return client.post(
        reverse("wagtailimages:add"),
        {
            "title": name,
            "file": SimpleUploadedFile(name, content),
            "collection": Collection.get_first_root_node().pk,
        },
    )


# --- imports -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("readings.exe", b"MZ\x90\x00"),
        ("readings.html", HTML),
        ("readings.svg", SVG),
        ("readings.xlsx", (FILES / "not_a_table.xlsx").read_bytes()),
        ("readings.xlsx", (FILES / "bomb.xlsx").read_bytes()),
    ],
)
def test_import_refuses_what_is_not_a_table(treasurer_client, name, content):
    response = treasurer_client.post(
        reverse("billing_import", args=["readings"]), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors or response.context.get("errors")
    assert not ImportBatch.objects.exists()
    assert not Reading.objects.exists()


def test_import_refuses_an_oversize_file(treasurer_client):
    row = "Участок;Дата;День;Ночь\n".encode()
    content = row + b"269;01.05.2022;9012;2901\n" * (MAX_UPLOAD_BYTES // 25 + 1)
    assert len(content) > MAX_UPLOAD_BYTES
    response = treasurer_client.post(
        reverse("billing_import", args=["readings"]), {"file": SimpleUploadedFile("readings.csv", content)}
    )
    assert response.status_code == HTTPStatus.OK
    assert "слишком большой" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_pending_import_waits_outside_the_media_root(treasurer_client, settings):
    """A proxy serving /media/ (which images need) must not be able to hand out a pending import."""
    MeterFactory(plot=PlotFactory(number=269))
    content = "Участок;Дата;День;Ночь\n269;01.05.2022;9012;2901\n".encode()

    response = treasurer_client.post(
        reverse("billing_import", args=["readings"]), {"file": SimpleUploadedFile("readings.csv", content)}
    )

    assert response.context["can_confirm"], response.context["errors"]
    pending = list(Path(settings.IMPORTS_PENDING_DIR).iterdir())
    assert [path.read_bytes() for path in pending] == [content]
    media = Path(settings.MEDIA_ROOT)
    assert not (media.exists() and any(path.is_file() for path in media.rglob("*")))


def test_pending_imports_default_outside_the_media_root():
    from cms.settings import base

    pending, media = Path(base.IMPORTS_PENDING_DIR).resolve(), Path(base.MEDIA_ROOT).resolve()
    assert not pending.is_relative_to(media)
    assert not media.is_relative_to(pending)


def test_pending_imports_refuse_a_folder_inside_the_media_root(settings):
    settings.IMPORTS_PENDING_DIR = Path(settings.MEDIA_ROOT) / "imports"

    with pytest.raises(ImproperlyConfigured):
        pending_save(content=b"269\n", file_name="readings.csv")


# --- documents -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["page.html", "page.htm", "logo.svg", "run.exe", "script.js", "macro.xlsm"])
def test_document_upload_refuses_types_outside_the_allow_list(editor_client, name):
    response = upload_document(editor_client, name, HTML)
    assert response.status_code == HTTPStatus.OK  # the form again, with its error
    assert response.context["form"].errors["file"]
    assert not get_document_model().objects.exists()


def test_document_upload_refuses_an_oversize_file(editor_client, settings):
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 1024
    response = upload_document(editor_client, "protokol.pdf", b"%PDF-1.4\n" + b"0" * 2048)
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["file"]
    assert not get_document_model().objects.exists()


def test_document_upload_accepts_an_allowed_type(editor_client):
    response = upload_document(editor_client, "protokol.pdf", b"%PDF-1.4\n%%EOF\n")
    assert response.status_code == HTTPStatus.FOUND
    assert get_document_model().objects.get().file_extension == "pdf"


def test_only_pdf_is_served_inline(settings):
    assert getattr(settings, "WAGTAILDOCS_SERVE_METHOD", None) == "serve_view"
    assert getattr(settings, "WAGTAILDOCS_INLINE_CONTENT_TYPES", ["application/pdf"]) == ["application/pdf"]
    assert "svg" not in settings.WAGTAILDOCS_EXTENSIONS
    assert not {"html", "htm", "js", "svg"} & set(settings.WAGTAILDOCS_EXTENSIONS)


@pytest.mark.parametrize(
    ("name", "content", "inline"),
    [
        ("protokol.pdf", b"%PDF-1.4\n%%EOF\n", True),
        ("zametka.txt", HTML, False),  # HTML in a .txt: downloaded, never rendered
        ("smeta.csv", b'=HYPERLINK("http://evil")\n', False),
        ("ustav.docx", b"PK\x03\x04", False),
    ],
)
def test_documents_are_served_by_the_view_with_safe_headers(client, name, content, inline):
    document = get_document_model().objects.create(title=name, file=ContentFile(content, name=name))
    response = client.get(document.url)
    assert document.url.startswith("/documents/")
    assert response.status_code == HTTPStatus.OK
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"
    disposition = response["Content-Disposition"]
    if inline:
        assert disposition.startswith("inline")
    else:
        assert disposition.startswith("attachment")
    assert "text/html" not in response["Content-Type"]


def test_uploaded_media_is_not_served_from_media_url(client):
    document = get_document_model().objects.create(title="x", file=ContentFile(HTML, name="x.txt"))
    assert client.get(f"/media/{document.file.name}").status_code == HTTPStatus.NOT_FOUND


# --- images --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [("logo.svg", SVG), ("logo.png", SVG), ("logo.png", HTML), ("logo.html", png_bytes())],
)
def test_image_upload_refuses_svg_and_disguised_files(editor_client, name, content):
    response = upload_image(editor_client, name, content)
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["file"]
    assert not get_image_model().objects.exists()


def test_image_upload_refuses_an_oversize_file(editor_client, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 64
    response = upload_image(editor_client, "logo.png", png_bytes() + b"\0" * 128)
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["file"]
    assert not get_image_model().objects.exists()


def test_image_upload_accepts_a_png(editor_client):
    response = upload_image(editor_client, "logo.png", png_bytes())
    assert response.status_code == HTTPStatus.FOUND
    assert get_image_model().objects.count() == 1


def test_svg_is_not_an_allowed_image_extension(settings):
    assert "svg" not in settings.WAGTAILIMAGES_EXTENSIONS
