"""200 members voting at once through the cabinet's ballot on the production stack (issue 15).

`make bench` runs it (about 2 minutes): gunicorn with 3 sync workers (the Procfile's default),
PostgreSQL, Redis, the production settings, on loopback. A scratch database gets the migrations, a
published mixed meeting of three items with its voting open, and 200 members linked to registry
entries, each logged in. Two rounds, each released at one instant by a barrier:
- every member files a ballot, clicking «Проголосовать» twice at once (400 POSTs);
- every member changes the ballot (200 POSTs).
Target (the issue's): no error — every POST answered with the redirect back to the meeting — and, counted
in the database afterwards, exactly one vote per member per item holding the member's last ballot:
nothing lost, nothing doubled. The rounds' wall time and latency percentiles are printed.
"""

import json
import statistics
import threading
import time
from http.client import HTTPConnection
from urllib.parse import urlencode

from tests.perf.load.server import PROXY_HEADERS, Stack, redis_prefix, scratch_database

VOTERS = 200
WORKERS = 3
CHOICES = ("for", "against", "abstained")


def ballot(n: int, items: list[int], shift: int) -> dict[int, str]:
    """Member n's choices in a round: different members, different ballots; each round a new one."""
    return {item: CHOICES[(n + index + shift) % len(CHOICES)] for index, item in enumerate(items)}


def _post(stack: Stack, path: str, voter: dict, choices: dict[int, str]) -> tuple[int, str, float]:
    body = urlencode({"csrfmiddlewaretoken": voter["csrf"], **{f"item-{item}": c for item, c in choices.items()}})
    origin = f"https://127.0.0.1:{stack.port}"
    headers = {
        **PROXY_HEADERS,
        "Cookie": voter["cookie"],
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": origin,
        "Referer": origin + path,
    }
    started = time.perf_counter()
    connection = HTTPConnection("127.0.0.1", stack.port, timeout=300)
    try:
        connection.request("POST", path, body=body.encode(), headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Location", ""), (time.perf_counter() - started) * 1000
    finally:
        connection.close()


def _round(stack: Stack, path: str, requests: list[tuple[dict, dict[int, str]]]) -> dict:
    """All `requests` (voter, choices) released together; the answers and the round's timings."""
    barrier = threading.Barrier(len(requests))
    answers: list[tuple[int, str, float]] = []
    failures: list[str] = []

    def send(voter: dict, choices: dict[int, str]) -> None:
        barrier.wait()
        try:
            answers.append(_post(stack, path, voter, choices))
        except OSError as error:
            failures.append(repr(error))

    threads = [threading.Thread(target=send, args=request) for request in requests]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies = sorted(ms for _, _, ms in answers)
    wrong = [f"{status} {location}" for status, location, _ in answers if (status, location) != (302, path)]
    return {
        "requests": len(requests),
        "wall_s": round(wall, 1),
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1], 1) if latencies else None,
        "errors": failures + wrong,
    }


def test_200_members_vote_at_once_without_errors_lost_or_doubled_votes(tmp_path):
    with scratch_database() as database_url, redis_prefix() as prefix:
        stack = Stack(database_url=database_url, cache_prefix=prefix, static_root=tmp_path / "static")
        stack.manage("migrate", "--noinput")
        stack.manage("collectstatic", "--noinput")
        world = json.loads(stack.python("tests.perf.load.meeting_voters", "prepare", str(VOTERS)))
        path, items, voters = f"/cabinet/meetings/{world['meeting']}/", world["items"], world["voters"]
        with stack.gunicorn(workers=WORKERS):
            for voter in voters[: WORKERS * 2]:  # warm every worker: the page opens for a member
                status, _, html = stack.get(path, voter["cookie"])
                assert status == 200 and 'name="item-' in html, status
            first = _round(stack, path, [(v, ballot(n, items, 0)) for n, v in enumerate(voters) for _ in (1, 2)])
            second = _round(stack, path, [(v, ballot(n, items, 1)) for n, v in enumerate(voters)])
        votes = json.loads(stack.python("tests.perf.load.meeting_voters", "count", str(world["meeting"])))["votes"]

    print(f"\nmeeting votes: gunicorn {WORKERS} sync workers, PostgreSQL, Redis, {VOTERS} members at once")
    for name, result in (("vote, two clicks each", first), ("change the vote", second)):
        shown = {key: value for key, value in result.items() if key != "errors"}
        print(f"  {name:<22} {json.dumps(shown)} errors {len(result['errors'])}")
    expected = sorted(
        [voter["person"], item, choice, "online"]
        for n, voter in enumerate(voters)
        for item, choice in ballot(n, items, 1).items()
    )
    pairs = {(person, item) for person, item, _, _ in votes}
    print(f"  votes in the database: {len(votes)} ({len(pairs)} member × item pairs), expected {len(expected)}")
    assert first["errors"] == [] and second["errors"] == [], (first["errors"][:5], second["errors"][:5])
    assert len(votes) == len(pairs) == VOTERS * len(items)  # none doubled, none lost
    assert sorted(votes) == expected  # each member's last ballot, as filed online
