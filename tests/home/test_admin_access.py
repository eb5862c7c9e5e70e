from http import HTTPStatus
from urllib.parse import urlparse

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


LOGIN_PATHS = {"/admin/login/", "/accounts/login/"}  # Wagtail's own or the site's (allauth) login


def sent_to_login(response) -> bool:
    return response.status_code == HTTPStatus.FOUND and urlparse(response["Location"]).path in LOGIN_PATHS


def test_anonymous_visitor_is_sent_to_a_login_page(client):
    assert sent_to_login(client.get("/admin/"))


def test_member_without_staff_rights_is_refused(client, django_user_model):
    client.force_login(django_user_model.objects.create_user(username="269", password="x"))
    assert sent_to_login(client.get("/admin/"))
    assert sent_to_login(client.get("/admin/pages/"))


def test_staff_editor_gets_in(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser(username="admin", password="x", email="a@b.c"))
    assert client.get("/admin/").status_code == HTTPStatus.OK


def test_settings_are_editable_in_the_admin(client, django_user_model, site_pages):
    client.force_login(django_user_model.objects.create_superuser(username="admin", password="x", email="a@b.c"))
    url = reverse("wagtailsettings:edit", args=["home", "sitesettings", site_pages.settings.site_id])
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Настройки сайта" in html
    assert 'name="bank_bic"' in html
