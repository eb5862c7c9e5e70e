import xml.etree.ElementTree as ET
from http import HTTPStatus

import pytest
from django.core.management import call_command
from wagtail.models import Page

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _entries(client, **extra) -> dict[str, str | None]:
    response = client.get("/sitemap.xml", **extra)
    assert response.status_code == HTTPStatus.OK
    root = ET.fromstring(response.content)  # noqa: S314 - our own sitemap
    return {
        url.find("s:loc", NS).text: getattr(url.find("s:lastmod", NS), "text", None)
        for url in root.findall("s:url", NS)
    }


def test_sitemap_lists_public_pages_on_the_requested_host(client, site_pages):
    locations = _entries(client, HTTP_HOST="cnt-anikino.example.org")
    for page in [site_pages.home, *site_pages.menu_pages, site_pages.latest]:
        assert f"http://cnt-anikino.example.org{page.url}" in locations
    assert not any("localhost" in location for location in locations)


def test_sitemap_over_https_says_https(client, site_pages):
    locations = _entries(client, HTTP_HOST="cnt-anikino.example.org", secure=True)
    assert all(location.startswith("https://cnt-anikino.example.org/") for location in locations)


def test_demo_pages_carry_their_own_dates(client):
    call_command("load_demo", verbosity=0)
    entries = _entries(client)
    announcement = Page.objects.get(slug="obshchee-sobranie-2022")
    location = next(loc for loc in entries if loc.endswith(announcement.url))
    assert entries[location].startswith("2022-04-20")
    assert {loc: lastmod for loc, lastmod in entries.items() if not lastmod.startswith("2022-")} == {}


def test_robots_txt_points_to_the_sitemap_and_keeps_bots_out_of_the_cabinet(client):
    response = client.get("/robots.txt", HTTP_HOST="cnt-anikino.example.org")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Sitemap: http://cnt-anikino.example.org/sitemap.xml" in text
    for path in ("/admin/", "/cabinet/", "/accounts/"):
        assert f"Disallow: {path}\n" in text


def test_favicon_ico_leads_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"].endswith("img/favicon.ico")
