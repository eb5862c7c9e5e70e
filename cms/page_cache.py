"""What the two page caches share: `home.cache` (anonymous Wagtail pages) and
`members.cabinet_cache` (a member's money pages, per session).

Both keep whole responses under a *generation*: a number in the cache that any write to what
the pages show replaces, so one increment makes every stored page stale at once. An entry
carries the generation it was rendered in and counts only while that is still the current
one; entry and generation come back in one round trip. A generation lost to a flush or an
eviction starts a new era at the clock's nanoseconds, above any number counted before it,
so an old entry never comes back to life. A write bumps at once and again when its
transaction commits: a page rendered in between from the old rows is not kept under the new
generation.

With Django's Redis backend the store talks to Redis through one client per process (Django's
RedisCache builds a client object per call, which costs as much as the lookup itself); any
other backend (locmem in development and tests) goes through the cache API.
"""

import functools
import pickle  # nosec B403 - reads back only entries this module wrote to the site's own Redis
import time
from collections.abc import Callable
from typing import Any

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save


class DjangoCacheStore:
    """Entries and generations in Django's default cache (locmem in development and tests)."""

    def read(self, generation_key: str, key: str) -> tuple[Any, Any]:
        found = cache.get_many([generation_key, key])
        return found.get(generation_key), found.get(key)

    def start_generation(self, generation_key: str, value: int) -> int:
        """Store `value` unless another process got there first; return the one that holds."""
        if cache.add(generation_key, value, timeout=None):
            return value
        return cache.get(generation_key, value)

    def bump(self, generation_key: str) -> None:
        if not cache.add(generation_key, time.time_ns(), timeout=None):
            cache.incr(generation_key)

    def write(self, key: str, entry: Any, timeout: int) -> None:
        cache.set(key, entry, timeout=timeout)


class RedisStore:
    """The same in Redis through one client per process, under the cache's key prefix."""

    def __init__(self, location: str) -> None:
        self.client = redis.Redis.from_url(location)

    def read(self, generation_key: str, key: str) -> tuple[Any, Any]:
        generation, entry = self.client.mget([cache.make_key(generation_key), cache.make_key(key)])
        # Our own entries in our own Redis, written by `write` below, as Django's cache pickles.
        return (int(generation) if generation is not None else None), (
            pickle.loads(entry) if entry is not None else None  # noqa: S301  # nosec B301 - own Redis entries, as Django's cache
        )

    def start_generation(self, generation_key: str, value: int) -> int:
        key = cache.make_key(generation_key)
        if self.client.set(key, value, nx=True):
            return value
        stored = self.client.get(key)
        return int(stored) if stored is not None else value

    def bump(self, generation_key: str) -> None:
        key = cache.make_key(generation_key)
        if not self.client.set(key, time.time_ns(), nx=True):
            self.client.incr(key)

    def write(self, key: str, entry: Any, timeout: int) -> None:
        self.client.set(cache.make_key(key), pickle.dumps(entry, pickle.HIGHEST_PROTOCOL), ex=timeout)


Store = DjangoCacheStore | RedisStore


@functools.cache
def _redis_store(location: str) -> RedisStore:
    return RedisStore(location)


def store() -> Store:
    """Redis directly when the default cache is Django's Redis backend, else the cache API."""
    config = settings.CACHES["default"]
    if config["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        location = config["LOCATION"]
        return _redis_store(location if isinstance(location, str) else location[0])
    return DjangoCacheStore()


def current_generation(found: Any, generation_key: str, in_store: Store) -> int:
    """The generation read with an entry; a missing one (flushed, evicted) starts a new era."""
    if isinstance(found, int):
        return found
    return in_store.start_generation(generation_key, time.time_ns())


def bump_on_writes(shown: Callable[[type[Model]], bool], bump: Callable[[], None], name: str) -> None:
    """Connect saves and deletes of the models `shown` accepts to `bump`: at once, and again on
    commit when the write is inside a transaction (see above)."""

    def changed(sender: type[Model], **kwargs) -> None:
        if not shown(sender):
            return
        bump()
        using = kwargs.get("using")
        if transaction.get_connection(using).in_atomic_block:
            transaction.on_commit(bump, using=using)

    post_save.connect(changed, dispatch_uid=f"{name}.post_save", weak=False)
    post_delete.connect(changed, dispatch_uid=f"{name}.post_delete", weak=False)
