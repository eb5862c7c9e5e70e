import xml.etree.ElementTree as ET
from http import HTTPStatus

import pytest

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def test_sitemap_lists_public_pages(client, site_pages):
    response = client.get("/sitemap.xml")
    assert response.status_code == HTTPStatus.OK
    root = ET.fromstring(response.content)  # noqa: S314 - our own sitemap
    locations = {loc.text for loc in root.findall("s:url/s:loc", NS)}
    for page in [site_pages.home, *site_pages.menu_pages, site_pages.latest]:
        assert page.full_url in locations
