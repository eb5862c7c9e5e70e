"""Personal pages are never kept by a browser or a proxy: after logout on a shared computer the
back button must not show a member's payments, readings, exports or account pages."""

from http import HTTPStatus

import pytest
from django.test import Client
from django.utils.cache import get_max_age

from tests.home.factories import build_site_pages

pytestmark = pytest.mark.django_db

PERSONAL_URLS = [
    "/cabinet/",
    "/cabinet/edit/",
    "/cabinet/payments/",
    "/cabinet/electricity/",
    "/cabinet/electricity/export.csv",
    "/cabinet/electricity/export.xlsx",
    "/cabinet/privacy/",
    "/cabinet/privacy/export.json",
    "/cabinet/privacy/delete/",
    "/accounts/email/",
    "/accounts/password/change/",
]


def cache_control(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def assert_never_stored(response, url):
    directives = cache_control(response)
    assert {"no-store", "private"} <= directives, f"{url}: Cache-Control {response.get('Cache-Control')!r}"
    assert get_max_age(response) in (None, 0), url
    assert "public" not in directives, url


@pytest.fixture
def member_client(member_with_plot):
    client = Client()
    client.force_login(member_with_plot)
    return client


@pytest.mark.parametrize("url", PERSONAL_URLS)
def test_each_personal_page_is_marked_no_store(member_client, url):
    response = member_client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    assert_never_stored(response, url)


@pytest.mark.parametrize("url", ["/cabinet/payments/", "/cabinet/electricity/"])
def test_a_page_from_the_cabinet_cache_is_marked_no_store_too(member_client, url):
    for _ in range(2):  # the first answer may set the CSRF cookie, which is never cached
        member_client.get(url)
    response = member_client.get(url)
    assert response["X-Cabinet-Cache"] == "hit"
    assert_never_stored(response, url)


def test_a_cabinet_post_and_its_redirect_are_marked_no_store(member_client):
    response = member_client.post("/cabinet/edit/", {})
    assert_never_stored(response, "/cabinet/edit/ POST")


@pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/password/reset/", "/cabinet/"])
def test_account_pages_of_an_anonymous_visitor_are_not_stored_either(client, url):
    response = client.get(url)  # the login form, or the redirect to it
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND)
    assert_never_stored(response, url)


def test_public_pages_stay_cacheable(client):
    build_site_pages()
    client.get("/")
    response = client.get("/")
    assert response["X-Cache"] == "hit"
    assert "no-store" not in cache_control(response)
