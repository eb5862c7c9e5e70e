"""Documents reach a reader only through Wagtail's view, which enforces collection privacy.

Their files sit under MEDIA_ROOT/documents/, next to the images that a reverse proxy serves
from /media/; the README tells the proxy to serve only /media/images/ and
/media/original_images/. These tests hold the code to that: document URLs go through the view,
a private collection's file needs the right login, and what a member receives is never kept
by a shared cache.
"""

import io
from http import HTTPStatus

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.test import Client
from django.urls import reverse
from PIL import Image
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, CollectionViewRestriction
from wagtail.rich_text import expand_db_html

pytestmark = pytest.mark.django_db

SECRET = "Протокол заседания правления: только для членов".encode()


def collection(name: str, restriction: str | None = None, groups: list[Group] = ()) -> Collection:
    root = Collection.get_first_root_node() or Collection.add_root(name="Root")
    child = root.add_child(name=name)
    if restriction:
        rule = CollectionViewRestriction.objects.create(collection=child, restriction_type=restriction)
        rule.groups.set(groups)
    return child


def document(title: str, where: Collection, content: bytes = SECRET):
    return get_document_model().objects.create(
        title=title, collection=where, file=ContentFile(content, name="protokol.txt")
    )


@pytest.fixture
def members_only():
    return document("Протокол", collection("Для членов СНТ", CollectionViewRestriction.LOGIN))


@pytest.fixture
def board_only():
    group = Group.objects.create(name="Правление СНТ")
    return document("Смета", collection("Правление", CollectionViewRestriction.GROUPS, [group]))


@pytest.fixture
def member_client(member_with_plot):
    client = Client()
    client.force_login(member_with_plot)
    return client


def test_documents_are_served_by_wagtails_view(settings):
    assert settings.WAGTAILDOCS_SERVE_METHOD == "serve_view"


def test_the_document_url_goes_through_the_view_never_media(members_only):
    expected = reverse("wagtaildocs_serve", args=[members_only.pk, members_only.filename])
    assert members_only.url == expected
    assert not members_only.url.startswith(settings.MEDIA_URL)
    link = expand_db_html(f'<a linktype="document" id="{members_only.pk}">Протокол</a>')
    assert f'href="{expected}"' in link
    assert settings.MEDIA_URL not in link


def test_a_private_document_needs_a_login(client, members_only):
    response = client.get(members_only.url)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/?next=")
    assert SECRET not in b"".join(response)


def test_a_group_only_document_is_refused_to_a_member_outside_the_group(member_client, board_only):
    response = member_client.get(board_only.url)
    assert response.status_code != HTTPStatus.OK
    assert SECRET not in b"".join(response)


def test_a_private_document_reaches_its_reader_and_no_shared_cache(member_client, members_only):
    response = member_client.get(members_only.url)
    assert response.status_code == HTTPStatus.OK
    assert b"".join(response.streaming_content) == SECRET
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


def test_a_public_document_is_served_to_anyone(client):
    public = document("Устав", collection("Документы"), "Устав товарищества".encode())
    response = client.get(public.url)
    assert response.status_code == HTTPStatus.OK
    assert b"".join(response.streaming_content) == "Устав товарищества".encode()


def test_files_sit_where_the_readme_says(members_only):
    """Documents under documents/ (never to be served by the proxy), images under
    original_images/ and their renditions under images/ (the only media the proxy serves)."""
    assert members_only.file.name.startswith("documents/")
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(buffer, "PNG")
    image = get_image_model().objects.create(title="Схема", file=ImageFile(buffer, name="skhema.png"))
    rendition = image.get_rendition("width-20")
    assert image.file.name.startswith("original_images/")
    assert rendition.file.name.startswith("images/")
    assert rendition.url.startswith(settings.MEDIA_URL + "images/")


def test_media_files_are_never_served_by_django(client, members_only):
    assert client.get(settings.MEDIA_URL + members_only.file.name).status_code == HTTPStatus.NOT_FOUND
