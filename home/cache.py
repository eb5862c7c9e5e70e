"""Whole-response cache of Wagtail pages for anonymous visitors (Redis in production).

`PageCacheMiddleware` sits right after WhiteNoise, so a hit costs one cache round trip and no
query: no session, no routing. It stores only what the `on_serve_page` hook marked as a Wagtail
page, and only when nothing in it is personal: no session or messages cookie on the request,
no cookie set, no CSRF token or CSP nonce used, an anonymous user. An entry is keyed by scheme,
the Wagtail Site the host resolves to, path and page number and carries the cache *generation*
it was rendered in; any change that can alter a public page (pages and their rows, site
settings, sites, view restrictions, documents, images) bumps the generation, so the next
request renders afresh.

What one page can store is bounded by the content, not by the visitor: the key holds the Site
(not the Host header, so ports, letter case and a trailing dot add nothing), the path of a page
that answered 200, and a `?page=N` only when the page reported that it shows page N (see
`mark_page_number`); anything else is served, not stored.
"""

import functools
import hashlib
import logging
import pickle  # nosec B403 - reads back only entries this module wrote to the site's own Redis
import re
import time
from collections.abc import Callable
from typing import Any

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.utils.cache import patch_vary_headers
from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
from wagtail.documents.models import AbstractDocument
from wagtail.images.models import AbstractImage, AbstractRendition
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.models.sites import get_site_for_hostname

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
ENTRY_KEY_PREFIX = "pagecache:page:"
CACHE_HEADER = "X-Cache"
DEFAULT_TIMEOUT = 10 * 60  # a safety net only: changes invalidate through the generation
PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,3}", re.ASCII)  # 1..9999; anything else is served, not stored
MAX_REMEMBERED_HOSTS = 64  # host → Site answers kept per process
MAX_BODY_BYTES = 1024 * 1024
MESSAGES_COOKIE = "messages"  # django.contrib.messages' CookieStorage
PRIVATE_CACHE_CONTROL = ("private", "no-cache", "no-store")
SKIPPED_HEADERS = {"set-cookie", CACHE_HEADER.lower()}


def _timeout() -> int:
    return getattr(settings, "PAGE_CACHE_SECONDS", DEFAULT_TIMEOUT)


def page_number(request: HttpRequest) -> str | None:
    """'' without a query string, the number for `?page=N`, None for anything else (not cached)."""
    if not request.GET:
        return ""
    values = request.GET.getlist("page")
    if len(request.GET) != 1 or len(values) != 1:
        return None
    value = values[0]
    if not PAGE_NUMBER.fullmatch(value):
        return None
    return value


def cacheable_request(request: HttpRequest) -> bool:
    """A GET from someone with no session (so anonymous) and no pending messages."""
    if request.method != "GET":
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or MESSAGES_COOKIE in request.COOKIES:
        return False
    return page_number(request) is not None


def cacheable_response(request: HttpRequest, response: HttpResponse) -> bool:
    """A complete 200 that sets no cookie, holds no CSRF token or CSP nonce, made for an anonymous user."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED"):
        return False
    if isinstance(getattr(request, "_csp_nonce", None), str):  # django-csp: a nonce was put in the page
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in PRIVATE_CACHE_CONTROL):
        return False
    return len(response.content) <= MAX_BODY_BYTES


def entry_key(request: HttpRequest, site_id: int | None) -> str:
    raw = "|".join([request.scheme or "", str(site_id), request.path, page_number(request) or ""])
    return ENTRY_KEY_PREFIX + hashlib.sha256(raw.encode()).hexdigest()


def _site_address(request: HttpRequest) -> tuple[str, str]:
    """What Wagtail matches a Site on: the host name (lower case, no trailing dot) and the server's
    port (not the one in the Host header). `get_host` first: a disallowed host still gets its 400."""
    return split_domain_port(request.get_host())[0], request.get_port()


def _find_site_id(address: tuple[str, str]) -> int | None:
    try:
        return get_site_for_hostname(*address).pk
    except Site.DoesNotExist:
        return None


class SiteMemo:
    """Host → Site id for this process, valid for one cache generation (a change of Site bumps it).

    A hit must cost no query, and Wagtail's `Site.find_for_request` makes one every time.
    At most MAX_REMEMBERED_HOSTS answers are kept: a flood of host names costs queries, not memory.
    """

    def __init__(self) -> None:
        self._state: tuple[Any, dict[tuple[str, str], int | None]] = (None, {})

    def remembered(self, address: tuple[str, str]) -> tuple[Any, int | None]:
        """The generation the answer was looked up in (None: looked up just now) and the Site id."""
        generation, sites = self._state
        if address in sites:
            return generation, sites[address]
        return None, _find_site_id(address)

    def look_up(self, address: tuple[str, str], generation: Any) -> int | None:
        """Ask the database (after `generation` was read, so a later change of Site bumps it)."""
        found = _find_site_id(address)
        remembered_generation, sites = self._state
        if remembered_generation != generation or len(sites) >= MAX_REMEMBERED_HOSTS:
            sites = {}
        self._state = (generation, {**sites, address: found})
        return found


site_memo = SiteMemo()


class DjangoCacheStore:
    """Entries and the generation in Django's default cache (locmem in development and tests)."""

    def read(self, key: str) -> tuple[Any, Any]:
        found = cache.get_many([GENERATION_KEY, key])
        return found.get(GENERATION_KEY), found.get(key)

    def start_generation(self, value: int) -> int:
        """Store `value` unless another process got there first; return the one that holds."""
        if cache.add(GENERATION_KEY, value, timeout=None):
            return value
        return cache.get(GENERATION_KEY, value)

    def bump(self) -> None:
        if not cache.add(GENERATION_KEY, time.time_ns(), timeout=None):
            cache.incr(GENERATION_KEY)

    def write(self, key: str, entry: tuple, timeout: int) -> None:
        cache.set(key, entry, timeout=timeout)


class RedisStore:
    """The same in Redis through one client per process, under the cache's key prefix.

    Django's RedisCache builds a new client object for every call, which costs as much as the
    lookup itself; a hit is meant to cost about what serving a static file does.
    """

    def __init__(self, location: str) -> None:
        self.client = redis.Redis.from_url(location)

    def read(self, key: str) -> tuple[Any, Any]:
        generation, entry = self.client.mget([cache.make_key(GENERATION_KEY), cache.make_key(key)])
        # Our own entries in our own Redis, written by `write` below, as Django's cache pickles.
        return (int(generation) if generation is not None else None), (
            pickle.loads(entry) if entry is not None else None  # noqa: S301  # nosec B301 - own Redis entries, as Django's cache
        )

    def start_generation(self, value: int) -> int:
        key = cache.make_key(GENERATION_KEY)
        if self.client.set(key, value, nx=True):
            return value
        stored = self.client.get(key)
        return int(stored) if stored is not None else value

    def bump(self) -> None:
        key = cache.make_key(GENERATION_KEY)
        if not self.client.set(key, time.time_ns(), nx=True):
            self.client.incr(key)

    def write(self, key: str, entry: tuple, timeout: int) -> None:
        self.client.set(cache.make_key(key), pickle.dumps(entry, pickle.HIGHEST_PROTOCOL), ex=timeout)


@functools.cache
def _redis_store(location: str) -> RedisStore:
    return RedisStore(location)


def store() -> DjangoCacheStore | RedisStore:
    """Redis directly when the default cache is Django's Redis backend, else the cache API."""
    config = settings.CACHES["default"]
    if config["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        location = config["LOCATION"]
        return _redis_store(location if isinstance(location, str) else location[0])
    return DjangoCacheStore()


def current_generation(value: Any) -> int:
    """The generation read from the cache; a missing one (flushed, evicted) starts a new era."""
    if isinstance(value, int):
        return value
    return store().start_generation(time.time_ns())


def bump_generation() -> None:
    """Make every stored page stale at once. Errors propagate: a change must not go unnoticed."""
    store().bump()


WAGTAIL_PAGE_MARK = "_page_cache_wagtail_page"
PAGE_NUMBER_MARK = "_page_cache_page_number"


def mark_wagtail_page(request: HttpRequest) -> None:
    """Called by the `on_serve_page` hook: only Wagtail pages are ever stored."""
    setattr(request, WAGTAIL_PAGE_MARK, True)


def mark_page_number(request: HttpRequest, number: int) -> None:
    """Called by a paginated page with the page it shows: `?page=N` is stored only when it shows N,
    so the entries of one path are bounded by its real pages (a page without pages stores none)."""
    setattr(request, PAGE_NUMBER_MARK, number)


def _shows_requested_page(request: HttpRequest) -> bool:
    number = page_number(request)
    return not number or getattr(request, PAGE_NUMBER_MARK, None) == int(number)


def _stored_headers(response: HttpResponse) -> dict[str, str]:
    return {name: value for name, value in response.items() if name.lower() not in SKIPPED_HEADERS}


class PageCacheMiddleware:
    """Answer anonymous GETs of Wagtail pages from the cache; store the shareable ones."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Off without a cache every process shares: one worker would miss another's invalidation.
        if not getattr(settings, "PAGE_CACHE", True) or not cacheable_request(request):
            return self.get_response(request)
        address = _site_address(request)
        known_in, site_id = site_memo.remembered(address)
        try:
            found_generation, entry = store().read(entry_key(request, site_id))
            generation = current_generation(found_generation)
        except redis.RedisError:
            logger.warning("page cache unavailable, serving %s uncached", request.path, exc_info=True)
            return self.get_response(request)
        if known_in != generation:  # Sites may have changed since: ask again
            fresh_site_id = site_memo.look_up(address, generation)
            if fresh_site_id != site_id:
                site_id, entry = fresh_site_id, None
        if site_id is None:  # no Site answers this host: nothing to store
            return self.get_response(request)
        key = entry_key(request, site_id)
        if entry is not None and entry[0] == generation:
            _, status, headers, content = entry
            response = HttpResponse(content, status=status, headers=headers)
            response[CACHE_HEADER] = "hit"
            return response

        response = self.get_response(request)
        if (
            getattr(request, WAGTAIL_PAGE_MARK, False)
            and _shows_requested_page(request)
            and cacheable_response(request, response)
        ):
            patch_vary_headers(response, ["Cookie"])  # the same URL differs for a logged-in member
            entry = (generation, response.status_code, _stored_headers(response), response.content)
            try:
                store().write(key, entry, _timeout())
            except redis.RedisError:
                logger.warning("page cache unavailable, %s not stored", request.path, exc_info=True)
                return response
            response[CACHE_HEADER] = "miss"
        return response


def _shown_on_pages(sender: type[Model]) -> bool:
    if sender._meta.app_label == "home":
        return True
    if issubclass(sender, AbstractRendition):
        return False  # made while rendering a page: changes nothing a visitor sees
    return issubclass(
        sender, (Page, Site, PageViewRestriction, BaseSiteSetting, BaseGenericSetting, AbstractDocument, AbstractImage)
    )


def _content_changed(sender: type[Model], **kwargs) -> None:
    if not _shown_on_pages(sender):
        return
    bump_generation()
    if transaction.get_connection(kwargs.get("using")).in_atomic_block:
        # Bump again once the change is visible to other connections: a page rendered in between
        # from the old rows would otherwise be stored under the new generation.
        transaction.on_commit(bump_generation, using=kwargs.get("using"))


def connect_signals() -> None:
    """Called from HomeConfig.ready(): saves and deletes (publish, unpublish, move, delete) bump."""
    post_save.connect(_content_changed, dispatch_uid="home.cache.post_save")
    post_delete.connect(_content_changed, dispatch_uid="home.cache.post_delete")
