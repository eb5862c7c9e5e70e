import datetime
import xml.etree.ElementTree as ET
from http import HTTPStatus

import pytest

from home.models import AnnouncementAttachment
from home.models.announcements import ANNOUNCEMENTS_PER_PAGE
from tests.home.factories import make_announcement, make_document

pytestmark = pytest.mark.django_db


def test_rss_lists_announcements_newest_first(client, site_pages):
    response = client.get(site_pages.announcements.url + "rss/")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")  # noqa: S314 - our own feed
    titles = [item.findtext("title") for item in channel.findall("item")]
    assert titles == ["Показания загружены", "Вывоз мусора", "Общее собрание"]
    # The Site's address, not the request's Host: the page cache shares the feed across hosts.
    assert channel.find("item").findtext("link") == "http://localhost" + site_pages.latest.url


def test_index_page_links_the_feed(client, site_pages):
    html = client.get(site_pages.announcements.url).content.decode()
    assert f'type="application/rss+xml" title="Объявления" href="{site_pages.announcements.url}rss/"' in html


def test_index_paginates_newest_first(client, site_pages):
    start = datetime.date(2023, 1, 1)
    for day in range(ANNOUNCEMENTS_PER_PAGE):
        make_announcement(site_pages.announcements, f"Новость {day + 1:02d}", start + datetime.timedelta(days=day))
    first = client.get(site_pages.announcements.url).content.decode()
    assert "Страница 1 из 2" in first
    assert first.index("Новость 10") < first.index("Новость 01")
    assert "Показания загружены" not in first
    second = client.get(site_pages.announcements.url + "?page=2").content.decode()
    assert "Страница 2 из 2" in second
    assert second.index("Показания загружены") < second.index("Вывоз мусора") < second.index("Общее собрание")
    assert "Новость 01" not in second


def test_bad_page_number_falls_back(client, site_pages):
    response = client.get(site_pages.announcements.url + "?page=abc")
    assert response.status_code == HTTPStatus.OK
    assert "Показания загружены" in response.content.decode()


def test_unpublished_announcement_is_not_listed(client, site_pages):
    site_pages.latest.unpublish()
    assert "Показания загружены" not in client.get(site_pages.announcements.url).content.decode()
    assert "Показания загружены" not in client.get(site_pages.announcements.url + "rss/").content.decode()


def test_announcement_shows_its_attachments(client, site_pages):
    document = make_document(title="Протокол собрания", content=b"protocol")
    AnnouncementAttachment.objects.create(page=site_pages.pinned, document=document, title="Протокол общего собрания")
    html = client.get(site_pages.pinned.url).content.decode()
    assert f'<a href="{document.url}">Протокол общего собрания</a>' in html
    assert client.get(document.url).status_code == HTTPStatus.OK
