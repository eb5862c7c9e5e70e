"""A per-session cache of the two cabinet money pages.

A member cycles through «Статус моих оплат» and «Мое электричество»; their data changes
only when the treasurer imports, edits or decides something. An entry is keyed by the
session, the user and the page, and counts only under the generation it was built in, which
any write to billing, members, accounts or pages replaces (on commit too): a page never
outlives the data it shows and never crosses sessions. The store, the generation and the
bumps are `cms.page_cache`'s, shared with the anonymous page cache (`home.cache`). It is on
only with a cache all processes share (CABINET_CACHE, set when REDIS_URL is): a per-process
memory cache would let one worker miss another's invalidation.
"""

import functools
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

from billing.signals import ledger_changed
from cms.page_cache import bump_on_writes, current_generation, store

logger = logging.getLogger(__name__)

GENERATION_KEY = "cabinet:generation"
HEADER = "X-Cabinet-Cache"
WATCHED_APPS = frozenset({"billing", "members", "account", "home", "wagtailcore", "auth"})
UNWATCHED_MODELS = frozenset({"members.smsmessage"})  # the outbox changes nothing a page shows


def _bump_now() -> None:
    try:
        store().bump(GENERATION_KEY)
    except Exception:  # noqa: BLE001 - entries also expire on their own
        logger.warning("cabinet cache generation not replaced", exc_info=True)


def bump_generation() -> None:
    """Forget every cached cabinet page (now, and again when the transaction commits, so a
    page built from the old data in between is not kept under the new generation)."""
    _bump_now()
    transaction.on_commit(_bump_now)


def _shown_in_cabinet(sender: type[Model]) -> bool:
    meta = getattr(sender, "_meta", None)
    return meta is not None and meta.app_label in WATCHED_APPS and meta.label_lower not in UNWATCHED_MODELS


def connect_signals() -> None:
    bump_on_writes(_shown_in_cabinet, _bump_now, "members.cabinet_cache")
    ledger_changed.connect(_ledger_changed, dispatch_uid="members.cabinet_cache.ledger_changed", weak=False)


def _ledger_changed(**kwargs) -> None:
    bump_generation()


def _has_pending_messages(request: HttpRequest) -> bool:
    return "messages" in request.COOKIES or "_messages" in getattr(request, "session", {})


def _key(request: HttpRequest) -> str | None:
    if request.method != "GET" or request.GET or _has_pending_messages(request):
        return None
    session_key = getattr(request.session, "session_key", None)
    user = request.user
    if not session_key or not user.is_authenticated or not user.is_active:
        return None
    return f"cabinet:page:{user.pk}:{session_key}:{request.path}"


def _read(key: str) -> tuple[int | None, dict | None]:
    """The current generation and the entry if it was built in it; (None, None) on a cache outage."""
    try:
        pages = store()
        found, entry = pages.read(GENERATION_KEY, key)
        generation = current_generation(found, GENERATION_KEY, pages)
    except Exception:  # noqa: BLE001 - a cache outage only means pages are built afresh
        logger.warning("cabinet cache unavailable", exc_info=True)
        return None, None
    return generation, (entry if isinstance(entry, dict) and entry.get("generation") == generation else None)


def _write(key: str, generation: int, response: HttpResponse) -> bool:
    entry = {"generation": generation, "content": response.content, "content_type": response["Content-Type"]}
    try:
        store().write(key, entry, getattr(settings, "CABINET_CACHE_SECONDS", 300))
    except Exception:  # noqa: BLE001 - the page is served all the same
        logger.warning("cabinet cache unavailable, page not stored", exc_info=True)
        return False
    return True


def cabinet_page_cache(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve the page from this session's cache when nothing it shows has changed since."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not getattr(settings, "CABINET_CACHE", False):
            return view(request, *args, **kwargs)
        key = _key(request)
        generation, entry = _read(key) if key else (None, None)
        if entry is not None:
            response = HttpResponse(entry["content"], content_type=entry["content_type"])
            response[HEADER] = "hit"
        else:
            response = view(request, *args, **kwargs)
            storable = response.status_code == 200 and not response.streaming and not response.cookies
            if key and generation is not None and storable and _write(key, generation, response):
                response[HEADER] = "miss"
        patch_cache_control(response, private=True)
        patch_vary_headers(response, ["Cookie"])
        return response

    return wrapped
