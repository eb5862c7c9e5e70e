"""Load on the production stack: gunicorn (2 workers), PostgreSQL, Redis, wrk, all on loopback.

`make bench` runs it twice (about 3 minutes each): with the page caches (PAGE_CACHE and
CABINET_CACHE on, as production between two imports) and without them (every page rendered,
as `make run` serves it and production right after an import). A scratch database gets the
migrations and the demo, plus 50 members with confirmed plots and sessions. Targets, each
against a floor measured on the same server in the same run:
- with the caches: anonymous home and announcement pages ≥ 0.5× a static file (whitenoise);
  without them: ≥ 0.3× a trivial authenticated view;
- 50 members cycling through «Статус моих оплат» and «Мое электричество» for 60 s: no error,
  throughput ≥ 0.3× a trivial authenticated view, both ways.
Scenarios alternate in rounds so a neighbour's load on the machine hits floor and page alike.
"""

import json
import re

import pytest

from tests.perf.load.server import BASELINE_PATH, LoadResult, Stack, ensure_wrk, redis_prefix, scratch_database

MEMBERS = 50
CABINET_PATHS = ["/cabinet/payments/", "/cabinet/electricity/"]
CABINET_SECONDS = 60
BASELINE_SECONDS = 10  # twice: before and after the cabinet run
ANON_ROUNDS = 2
ANON_SECONDS = 6
ANON_CONNECTIONS = 8

ANON_TARGET = 0.5  # × the static file, caches on
UNCACHED_ANON_TARGET = 0.3  # × the authenticated view, caches off
CABINET_TARGET = 0.3


def _check_setup(stack: Stack, announcement: str, cookies: list[str], caches: bool) -> tuple[str, list[str]]:
    """Fail early when a member page does not open; return the CSS URL and the anonymous pages
    the page cache does not answer as it should (reported with the ratios: they explain a miss)."""
    status, _, html = stack.get("/")
    assert status == 200, f"home page answered {status}"
    uncached = []
    for path in ("/", announcement):
        stack.get(path)
        status, headers, _ = stack.get(path)
        if caches and headers.get("X-Cache") != "hit":
            uncached.append(f"{path} is not served from the page cache (home.cache.PageCacheMiddleware)")
        if not caches and "X-Cache" in headers:
            uncached.append(f"{path} went through the page cache with PAGE_CACHE=False")
    for path in [*CABINET_PATHS, BASELINE_PATH]:
        status, headers, _ = stack.get(path, cookies[0])
        assert status == 200, f"{path} for a logged-in member answered {status} {headers.get('Location', '')}"
        assert "X-Cache" not in headers, f"{path} for a member went through the page cache"
    css = re.search(r'href="(/static/[^"]+\.css)"', html)
    assert css, "no stylesheet on the home page"
    return css.group(1), uncached


def _anonymous(stack: Stack, css: str, announcement: str) -> dict[str, LoadResult]:
    scenarios = {"static file": css, "home page": "/", "announcement": announcement}
    results: dict[str, LoadResult] = {}
    for _ in range(ANON_ROUNDS):
        for name, path in scenarios.items():
            result = stack.load(paths=[path], seconds=ANON_SECONDS, connections=ANON_CONNECTIONS)
            results[name] = results[name] + result if name in results else result
    return results


def _members(stack: Stack, cookies: list[str]) -> dict[str, LoadResult]:
    def baseline() -> LoadResult:
        return stack.load(paths=[BASELINE_PATH], seconds=BASELINE_SECONDS, connections=MEMBERS, cookies=cookies)

    before = baseline()
    cabinet = stack.load(paths=CABINET_PATHS, seconds=CABINET_SECONDS, connections=MEMBERS, cookies=cookies)
    return {"authenticated view": before + baseline(), "cabinet pages": cabinet}


def _print(results: dict[str, LoadResult], ratios: list[tuple[str, float, float]], caches: bool) -> None:
    way = "with the page caches" if caches else "caches off (CABINET_CACHE=False PAGE_CACHE=False)"
    print(f"\nload, {way}: gunicorn 2 workers, PostgreSQL, Redis, wrk on 127.0.0.1")
    print(f"  {'scenario':<20} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for name, r in results.items():
        print(f"  {name:<20} {r.rps:8.1f} {r.p50_ms:8.1f} {r.p95_ms:8.1f} {r.p99_ms:8.1f} {r.errors:7d}")
    for label, value, target in ratios:
        verdict = "ok" if value >= target else "MISSED"
        print(f"  {label:<44} {value:6.2f}×  target ≥ {target:g}×  {verdict}")


def _ratios(results: dict[str, LoadResult], caches: bool) -> list[tuple[str, float, float]]:
    floor_name, target = ("static file", ANON_TARGET) if caches else ("authenticated view", UNCACHED_ANON_TARGET)
    floor = results[floor_name].rps
    return [
        (f"home page / {floor_name}", results["home page"].rps / floor, target),
        (f"announcement / {floor_name}", results["announcement"].rps / floor, target),
        (
            "cabinet pages / authenticated view",
            results["cabinet pages"].rps / results["authenticated view"].rps,
            CABINET_TARGET,
        ),
    ]


@pytest.mark.parametrize("caches", [True, False], ids=["caches on", "caches off"])
def test_anonymous_pages_and_cabinet_under_load(tmp_path, caches):
    ensure_wrk()
    with scratch_database() as database_url, redis_prefix() as prefix:
        stack = Stack(database_url=database_url, cache_prefix=prefix, static_root=tmp_path / "static", caches=caches)
        stack.manage("migrate", "--noinput")
        stack.manage("load_demo")
        stack.manage("collectstatic", "--noinput")
        prepared = json.loads(stack.python("tests.perf.load.members", str(MEMBERS)))
        cookies, announcement = prepared["cookies"], prepared["announcement"]
        with stack.gunicorn(workers=2):
            css, uncached = _check_setup(stack, announcement, cookies, caches)
            stack.load(paths=["/", announcement, css], seconds=2, connections=4)  # warm both workers
            stack.load(paths=[BASELINE_PATH, *CABINET_PATHS], seconds=2, connections=8, cookies=cookies)
            results = _anonymous(stack, css, announcement)
            results.update(_members(stack, cookies))

    ratios = _ratios(results, caches)
    _print(results, ratios, caches)
    assert results["cabinet pages"].errors == 0, f"cabinet errors under load: {results['cabinet pages']}"
    misses = [f"{label}: {value:.2f}× < {target:g}×" for label, value, target in ratios if value < target]
    misses += uncached
    assert not misses, "; ".join(misses)
