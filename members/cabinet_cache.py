"""A per-session cache of the two cabinet money pages.

A member cycles through «Статус моих оплат» and «Мое электричество»; their data changes
only when the treasurer imports, edits or decides something. An entry is keyed by the
session, the user and a generation token that any write to billing, members, accounts or
pages replaces (on commit too), so a page never outlives the data it shows and never
crosses sessions. The token is random, not a counter: an evicted token cannot bring old
entries back. It is on only with a cache all processes share (CABINET_CACHE, set when
REDIS_URL is): a per-process memory cache would let one worker miss another's invalidation.
"""

import functools
import logging
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

logger = logging.getLogger(__name__)

GENERATION_KEY = "cabinet:generation"
HEADER = "X-Cabinet-Cache"
WATCHED_APPS = frozenset({"billing", "members", "account", "home", "wagtailcore", "auth"})
UNWATCHED_MODELS = frozenset({"members.smsmessage"})  # the outbox changes nothing a page shows


def _generation() -> str | None:
    try:
        token = cache.get(GENERATION_KEY)
        if token is None:
            token = uuid.uuid4().hex
            cache.add(GENERATION_KEY, token, None)
            token = cache.get(GENERATION_KEY, token)
        return token
    except Exception:  # noqa: BLE001 - a cache outage only means pages are built afresh
        logger.warning("cabinet cache unavailable", exc_info=True)
        return None


def bump_generation() -> None:
    """Forget every cached cabinet page (now, and again when the transaction commits, so a
    page built from the old data in between is not kept under the new token)."""

    def replace() -> None:
        try:
            cache.set(GENERATION_KEY, uuid.uuid4().hex, None)
        except Exception:  # noqa: BLE001 - entries also expire on their own
            logger.warning("cabinet cache generation not replaced", exc_info=True)

    replace()
    transaction.on_commit(replace)


def _on_write(sender, **kwargs) -> None:
    meta = getattr(sender, "_meta", None)
    if meta is not None and meta.app_label in WATCHED_APPS and meta.label_lower not in UNWATCHED_MODELS:
        bump_generation()


def connect_signals() -> None:
    post_save.connect(_on_write, dispatch_uid="members_cabinet_cache_save")
    post_delete.connect(_on_write, dispatch_uid="members_cabinet_cache_delete")


def _has_pending_messages(request: HttpRequest) -> bool:
    return "messages" in request.COOKIES or "_messages" in getattr(request, "session", {})


def _key(request: HttpRequest) -> str | None:
    if request.method != "GET" or request.GET or _has_pending_messages(request):
        return None
    session_key = getattr(request.session, "session_key", None)
    user = request.user
    if not session_key or not user.is_authenticated or not user.is_active:
        return None
    generation = _generation()
    if generation is None:
        return None
    return f"cabinet:page:{generation}:{user.pk}:{session_key}:{request.path}"


def cabinet_page_cache(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve the page from this session's cache when nothing it shows has changed since."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not getattr(settings, "CABINET_CACHE", False):
            return view(request, *args, **kwargs)
        key = _key(request)
        entry = cache.get(key) if key else None
        if entry is not None:
            response = HttpResponse(entry["content"], content_type=entry["content_type"])
            response[HEADER] = "hit"
        else:
            response = view(request, *args, **kwargs)
            if key and response.status_code == 200 and not response.streaming and not response.cookies:
                timeout = getattr(settings, "CABINET_CACHE_SECONDS", 300)
                cache.set(key, {"content": response.content, "content_type": response["Content-Type"]}, timeout)
                response[HEADER] = "miss"
        patch_cache_control(response, private=True)
        patch_vary_headers(response, ["Cookie"])
        return response

    return wrapped
