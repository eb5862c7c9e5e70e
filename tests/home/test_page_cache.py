import random
from http import HTTPStatus

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.test import Client
from wagtail.models import PageViewRestriction

from cms.settings import base as base_settings
from home import cache as page_cache
from home.models import AnnouncementPage
from home.models.announcements import ANNOUNCEMENTS_PER_PAGE
from tests.home.factories import make_announcement

pytestmark = pytest.mark.django_db

MIDDLEWARE = "home.cache.PageCacheMiddleware"
WHITENOISE = "whitenoise.middleware.WhiteNoiseMiddleware"


@pytest.fixture(autouse=True)
def _page_cache_installed(settings):
    """The behaviour below is the middleware's; test_settings_install_the_middleware checks the wiring."""
    if MIDDLEWARE not in settings.MIDDLEWARE:
        middleware = list(settings.MIDDLEWARE)
        middleware.insert(middleware.index(WHITENOISE) + 1, MIDDLEWARE)
        settings.MIDDLEWARE = middleware


@pytest.fixture
def member_client(django_user_model):
    client = Client()
    client.force_login(django_user_model.objects.create_user(username="269", password="Sad-demo-2022"))
    return client


def get(client, url, **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code == HTTPStatus.OK, url
    return response


def test_settings_install_the_middleware_right_after_whitenoise():
    middleware = base_settings.MIDDLEWARE  # production.py and test.py build on it
    assert MIDDLEWARE in middleware, "add home.cache.PageCacheMiddleware to MIDDLEWARE in cms/settings/base.py"
    assert middleware.index(MIDDLEWARE) == middleware.index(WHITENOISE) + 1


def test_second_anonymous_get_is_served_from_the_cache_without_queries(client, site_pages, django_assert_num_queries):
    first = get(client, "/")
    assert first["X-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = get(client, "/")
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert "Cookie" in second["Vary"]
    assert "Показания загружены" in second.content.decode()


def test_announcement_and_its_index_are_cached(client, site_pages):
    for url in (site_pages.latest.url, site_pages.announcements.url):
        assert get(client, url)["X-Cache"] == "miss"
        assert get(client, url)["X-Cache"] == "hit"


def test_each_page_number_is_its_own_entry(client, site_pages):
    for day in range(ANNOUNCEMENTS_PER_PAGE):
        make_announcement(site_pages.announcements, f"Новость {day + 1:02d}", site_pages.latest.date)
    url = site_pages.announcements.url
    first, second = get(client, url), get(client, url + "?page=2")
    assert (first["X-Cache"], second["X-Cache"]) == ("miss", "miss")
    assert get(client, url + "?page=2").content == second.content
    assert get(client, url)["X-Cache"] == "hit"
    assert "Страница 2 из 2" in second.content.decode()
    assert "Страница 1 из 2" in first.content.decode()


@pytest.mark.parametrize("query", ["?q=test", "?page=2&utm=x", "?page=abc", "?page=123456"])
def test_other_query_strings_are_not_cached(client, site_pages, query):
    for _ in range(2):
        assert "X-Cache" not in get(client, site_pages.announcements.url + query)


def test_publishing_a_change_is_visible_at_once(client, site_pages):
    get(client, "/")
    assert get(client, "/")["X-Cache"] == "hit"
    page = AnnouncementPage.objects.get(pk=site_pages.latest.pk)
    page.title = "Показания за июнь загружены"
    page.save_revision().publish()

    response = get(client, "/")
    assert response["X-Cache"] == "miss"
    assert "Показания за июнь загружены" in response.content.decode()
    assert get(client, site_pages.latest.url).content.decode().count("Показания за июнь загружены") >= 1


def test_unpublish_move_and_delete_are_visible_at_once(client, site_pages):
    get(client, "/")
    site_pages.latest.specific.unpublish()
    assert "Показания загружены" not in get(client, "/").content.decode()

    get(client, "/")
    site_pages.older.move(site_pages.charter, pos="last-child")
    assert "Вывоз мусора" not in get(client, site_pages.announcements.url).content.decode()

    get(client, "/")
    site_pages.pinned.delete()
    assert "Общее собрание" not in get(client, "/").content.decode()


def test_site_settings_and_the_menu_are_visible_at_once(client, site_pages):
    get(client, "/")
    site_pages.settings.full_name = "СНТ «Переименованное»"
    site_pages.settings.save()
    assert "СНТ «Переименованное»" in get(client, "/").content.decode()

    site_pages.board.show_in_menus = False
    site_pages.board.save_revision().publish()
    assert f'href="{site_pages.board.url}"' not in get(client, "/").content.decode()


def test_a_view_restriction_is_enforced_at_once(client, site_pages):
    get(client, site_pages.help.url)
    assert get(client, site_pages.help.url)["X-Cache"] == "hit"
    PageViewRestriction.objects.create(page=site_pages.help, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(site_pages.help.url)
    assert response.status_code == HTTPStatus.FOUND
    assert "X-Cache" not in response


def test_a_logged_in_member_never_gets_a_cached_page(client, member_client, site_pages):
    get(client, "/")
    assert get(client, "/")["X-Cache"] == "hit"
    response = get(member_client, "/")
    assert "X-Cache" not in response
    assert "Выйти" in response.content.decode()


def test_a_logged_in_member_never_fills_the_cache(client, member_client, site_pages):
    for _ in range(2):
        assert "X-Cache" not in get(member_client, site_pages.announcements.url)
    response = get(client, site_pages.announcements.url)
    assert response["X-Cache"] == "miss"
    assert "Выйти" not in response.content.decode()


def test_a_request_with_pending_messages_is_not_answered_from_the_cache(client, site_pages):
    get(client, "/")
    client.cookies["messages"] = "anything"
    assert "X-Cache" not in get(client, "/")


def test_the_contact_form_page_is_never_cached(client, site_pages):
    for _ in range(2):
        response = get(client, site_pages.contact.url)
        assert "X-Cache" not in response
        assert "csrfmiddlewaretoken" in response.content.decode()
    assert not [key for key in client.cookies if key == django_settings.SESSION_COOKIE_NAME]


def test_views_outside_wagtail_and_errors_are_not_cached(client, site_pages):
    for _ in range(2):
        assert "X-Cache" not in client.get("/search/?q=")
        assert "X-Cache" not in client.get("/search/")
        missing = client.get("/net-takoi-stranicy/")
        assert missing.status_code == HTTPStatus.NOT_FOUND
        assert "X-Cache" not in missing


def test_a_lost_generation_starts_a_new_one(client, site_pages):
    get(client, "/")
    assert get(client, "/")["X-Cache"] == "hit"
    cache.delete(page_cache.GENERATION_KEY)  # flushed or evicted
    assert get(client, "/")["X-Cache"] == "miss"
    assert get(client, "/")["X-Cache"] == "hit"


def test_without_redis_pages_are_served_uncached(client, site_pages, monkeypatch):
    unreachable = page_cache.RedisStore("redis://127.0.0.1:1/0")
    monkeypatch.setattr(page_cache, "store", lambda: unreachable)
    for _ in range(2):
        response = get(client, "/")
        assert "X-Cache" not in response
        assert "Показания загружены" in response.content.decode()


def test_a_change_in_a_transaction_bumps_again_on_commit(site_pages, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        site_pages.settings.save()
    assert page_cache.bump_generation in callbacks


def test_off_without_a_shared_cache(client, site_pages, settings):
    """Without Redis every process has its own memory cache, which would miss invalidations."""
    settings.PAGE_CACHE = False
    get(client, "/")
    assert "X-Cache" not in get(client, "/")


# --- bounded: a flood of URL and Host variants adds a handful of entries -------------------------


def stored_entries() -> int:
    """The page cache's entries in the default cache (locmem here, Redis when REDIS_URL is set)."""
    backend = caches["default"]
    prefix = backend.make_key(page_cache.ENTRY_KEY_PREFIX)
    if isinstance(backend, RedisCache):
        return sum(1 for _ in backend._cache.get_client().scan_iter(match=prefix + "*", count=1000))
    return sum(1 for key in backend._cache if key.startswith(prefix))


def two_pages_of_announcements(site_pages):
    for day in range(ANNOUNCEMENTS_PER_PAGE):
        make_announcement(site_pages.announcements, f"Новость {day + 1:02d}", site_pages.latest.date)


def test_a_flood_of_page_numbers_and_hosts_stores_a_bounded_number_of_entries(client, site_pages):
    two_pages_of_announcements(site_pages)
    index = site_pages.announcements.url
    rng = random.Random(9)  # noqa: S311 - test data, not a secret
    page_values = [
        lambda: str(rng.randint(1, 9999)),  # beyond the last page: shows the last page
        lambda: "0" + str(rng.randint(1, 999)),  # leading zeros
        lambda: rng.choice(["²", "٢", "۲", "２", "1²", "𝟐"]),  # Unicode digits (int() takes some)
        lambda: rng.choice(["1", "2"]),  # the real pages
    ]
    hosts = ["127.0.0.1", "LOCALHOST", "localhost.", "Localhost", "testserver", "TestServer."]
    for number in range(5000):
        if number % 4 == 0:
            response = client.get(index, {"page": rng.choice(page_values)()})
        else:
            host = f"{rng.choice(hosts)}:{rng.randint(1, 65535)}"
            response = client.get("/", HTTP_HOST=host)
        assert response.status_code == HTTPStatus.OK
    # "/", the index and its pages 1 and 2: nothing else, whatever the host or the number.
    assert stored_entries() <= 4
    assert get(client, "/")["X-Cache"] == "hit"
    assert get(client, index + "?page=2")["X-Cache"] == "hit"


def test_host_variants_of_one_site_share_one_entry(client, site_pages):
    assert get(client, "/", HTTP_HOST="localhost")["X-Cache"] == "miss"
    for host in ("LOCALHOST", "localhost.", "localhost:8443", "LocalHost.:1", "127.0.0.1:5"):
        assert get(client, "/", HTTP_HOST=host)["X-Cache"] == "hit", host
    assert stored_entries() == 1


@pytest.mark.parametrize("page", ["02", "0", "٢", "²", "２", "2 ", " 2", "+2", "10000"])
def test_only_ascii_page_numbers_without_a_leading_zero_are_cached(client, site_pages, page):
    two_pages_of_announcements(site_pages)
    for _ in range(2):
        assert "X-Cache" not in client.get(site_pages.announcements.url, {"page": page})
    assert stored_entries() == 0


def test_a_page_number_the_page_does_not_show_is_not_stored(client, site_pages):
    two_pages_of_announcements(site_pages)
    for page in ("3", "999", "9999"):  # the paginator shows the last page instead
        assert "X-Cache" not in get(client, site_pages.announcements.url, data={"page": page})
    assert "X-Cache" not in get(client, "/", data={"page": "2"})  # the home page has no pages
    assert stored_entries() == 0


def test_the_feed_links_to_the_site_not_to_the_host_of_the_request(client, site_pages):
    feed = site_pages.announcements.url + "rss/"
    first = client.get(feed, HTTP_HOST="evil.example")
    second = client.get(feed)
    assert first.status_code == second.status_code == HTTPStatus.OK
    for response in (first, second):
        body = response.content.decode()
        assert "evil.example" not in body
        assert f"http://localhost{site_pages.latest.url}" in body
