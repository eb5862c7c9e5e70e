"""Load on the production stack: gunicorn (2 workers), PostgreSQL, Redis, wrk, all on loopback.

`make bench` runs it (about 3 minutes). A scratch database gets the migrations and the demo,
plus 50 members with confirmed plots and sessions. Targets, each against a floor measured on
the same server in the same run:
- anonymous home and announcement pages: throughput ≥ 0.5× a static file (whitenoise);
- 50 members cycling through «Статус моих оплат» and «Мое электричество» for 60 s: no error,
  throughput ≥ 0.3× a trivial authenticated view.
Scenarios alternate in rounds so a neighbour's load on the machine hits floor and page alike.
"""

import json
import re

from tests.perf.load.server import BASELINE_PATH, LoadResult, Stack, ensure_wrk, redis_prefix, scratch_database

MEMBERS = 50
CABINET_PATHS = ["/cabinet/payments/", "/cabinet/electricity/"]
CABINET_SECONDS = 60
BASELINE_SECONDS = 10  # twice: before and after the cabinet run
ANON_ROUNDS = 2
ANON_SECONDS = 6
ANON_CONNECTIONS = 8

ANON_TARGET = 0.5
CABINET_TARGET = 0.3


def _check_setup(stack: Stack, announcement: str, cookies: list[str]) -> tuple[str, list[str]]:
    """Fail early when a member page does not open; return the CSS URL and the anonymous pages
    the page cache does not answer (reported with the ratios: they explain a miss)."""
    status, _, html = stack.get("/")
    assert status == 200, f"home page answered {status}"
    uncached = []
    for path in ("/", announcement):
        stack.get(path)
        status, headers, _ = stack.get(path)
        if headers.get("X-Cache") != "hit":
            uncached.append(f"{path} is not served from the page cache (home.cache.PageCacheMiddleware)")
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


def _print(results: dict[str, LoadResult], ratios: list[tuple[str, float, float]]) -> None:
    print("\nload: gunicorn 2 workers, PostgreSQL, Redis, wrk on 127.0.0.1")
    print(f"  {'scenario':<20} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for name, r in results.items():
        print(f"  {name:<20} {r.rps:8.1f} {r.p50_ms:8.1f} {r.p95_ms:8.1f} {r.p99_ms:8.1f} {r.errors:7d}")
    for label, value, target in ratios:
        verdict = "ok" if value >= target else "MISSED"
        print(f"  {label:<44} {value:6.2f}×  target ≥ {target:g}×  {verdict}")


def test_anonymous_pages_and_cabinet_under_load(tmp_path):
    ensure_wrk()
    with scratch_database() as database_url, redis_prefix() as prefix:
        stack = Stack(database_url=database_url, cache_prefix=prefix, static_root=tmp_path / "static")
        stack.manage("migrate", "--noinput")
        stack.manage("load_demo")
        stack.manage("collectstatic", "--noinput")
        prepared = json.loads(stack.python("tests.perf.load.members", str(MEMBERS)))
        cookies, announcement = prepared["cookies"], prepared["announcement"]
        with stack.gunicorn(workers=2):
            css, uncached = _check_setup(stack, announcement, cookies)
            stack.load(paths=["/", announcement, css], seconds=2, connections=4)  # warm both workers
            stack.load(paths=[BASELINE_PATH, *CABINET_PATHS], seconds=2, connections=8, cookies=cookies)
            results = _anonymous(stack, css, announcement)
            results.update(_members(stack, cookies))

    static = results["static file"].rps
    ratios = [
        ("home page / static file", results["home page"].rps / static, ANON_TARGET),
        ("announcement / static file", results["announcement"].rps / static, ANON_TARGET),
        (
            "cabinet pages / authenticated view",
            results["cabinet pages"].rps / results["authenticated view"].rps,
            CABINET_TARGET,
        ),
    ]
    _print(results, ratios)
    assert results["cabinet pages"].errors == 0, f"cabinet errors under load: {results['cabinet pages']}"
    misses = [f"{label}: {value:.2f}× < {target:g}×" for label, value, target in ratios if value < target]
    misses += uncached
    assert not misses, "; ".join(misses)
