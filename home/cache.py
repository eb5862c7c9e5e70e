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

import hashlib
import logging
import re
from collections.abc import Callable
from typing import Any

import redis
from django.conf import settings
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.utils.cache import patch_vary_headers
from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
from wagtail.documents.models import AbstractDocument
from wagtail.images.models import AbstractImage, AbstractRendition
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.models.sites import get_site_for_hostname

from cms.page_cache import (
    RedisStore,  # noqa: F401 - here too: a test builds one for an unreachable Redis
    bump_on_writes,
    current_generation,
    store,
)

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


def bump_generation() -> None:
    """Make every stored page stale at once. Errors propagate: a change must not go unnoticed."""
    store().bump(GENERATION_KEY)


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
            pages = store()
            found_generation, entry = pages.read(GENERATION_KEY, entry_key(request, site_id))
            generation = current_generation(found_generation, GENERATION_KEY, pages)
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
                pages.write(key, entry, _timeout())
            except redis.RedisError:
                logger.warning("page cache unavailable, %s not stored", request.path, exc_info=True)
                return response
            response[CACHE_HEADER] = "miss"
        return response


# What «Доходы и расходы» (billing.FinancePage) sums: an import (its batch is saved even when its
# rows are bulk-written), a payment or bank document edited by hand, the смета and its categories.
FINANCE_MODELS = frozenset(
    {"billing.importbatch", "billing.payment", "billing.banktransaction", "billing.budgetline"}
    | {"billing.expensecategory", "billing.article"}
)
# What «Баланс электроэнергии» (billing.LineBalancePage) sums: the main meters and their readings, and
# the plots' readings, meters and feeders; whatever changes the plots' monthly sums (a plot moved to
# another feeder, an import, estimates) says so with a save signal of billing.linebalancemonth.
LINE_BALANCE_MODELS = frozenset(
    {"billing.mainmeter", "billing.mainreading", "billing.reading", "billing.meter", "billing.linebalancemonth"}
)

# What «Общие собрания» (meetings.MeetingsPage) shows: the meetings (publishing and closing save the
# meeting; the close writes the items' counts in bulk, then saves it), their agenda and materials.
MEETINGS_MODELS = frozenset({"meetings.meeting", "meetings.agendaitem", "meetings.material"})
PAGE_MODELS = FINANCE_MODELS | LINE_BALANCE_MODELS | MEETINGS_MODELS


def _shown_on_pages(sender: type[Model]) -> bool:
    if sender._meta.app_label == "home" or sender._meta.label_lower in PAGE_MODELS:
        return True
    if issubclass(sender, AbstractRendition):
        return False  # made while rendering a page: changes nothing a visitor sees
    return issubclass(
        sender, (Page, Site, PageViewRestriction, BaseSiteSetting, BaseGenericSetting, AbstractDocument, AbstractImage)
    )


def connect_signals() -> None:
    """Called from HomeConfig.ready(): saves and deletes (publish, unpublish, move, delete) bump."""
    bump_on_writes(_shown_on_pages, bump_generation, "home.cache")
