"""A burst of 50 wrong logins against the production stack while a member loads the cabinet.

`make bench` runs it (about 5 minutes). gunicorn with 3 sync workers (the Procfile's default),
PostgreSQL, Redis, the production settings, so the real hasher: PBKDF2 at Django's 1,000,000
iterations, seconds of CPU per wrong password on this machine. Scenarios:
- 50 wrong passwords for plot 269 at once from one address;
- 50 at once from 50 addresses (X-Forwarded-For, the production settings trust one proxy), so the
  per-address limit does not help and only the cap on password checks running at once does;
- the same with the cap lifted (LOGIN_PASSWORD_CHECKS_AT_ONCE=50), printed for comparison only.
Target: over the 15 s from the burst on, the median of the member's «Статус моих оплат» loads is
at most 2× its median on the idle server measured in the same run. The first load still waits
for the burst's place in the queue (sync workers answer in turn: 50 requests of any kind ahead
of it would delay it the same); it is printed, as is how long the burst took to answer.
"""

import json
import statistics
import threading
import time
from http.client import HTTPConnection
from http.cookies import SimpleCookie

from tests.perf.load.server import PROXY_HEADERS, Stack, redis_prefix, scratch_database

WRONG_LOGINS = 50
CABINET = "/cabinet/payments/"
IDLE_ROUNDS = 15
WINDOW_SECONDS = 15
TARGET = 2.0

PREPARE = """
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from billing.models import Plot
from members.models import PlotClaim
plot = Plot.objects.create(number=269, street="1", area="7.20")
user = get_user_model().objects.create_user(username="269", email="bench269@example.org", password="Bench-2024x")
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
PlotClaim.objects.create(user=user, plot=plot, status=PlotClaim.Status.CONFIRMED)
client = Client()
client.force_login(user)
print(settings.SESSION_COOKIE_NAME + "=" + client.cookies[settings.SESSION_COOKIE_NAME].value)
"""


def _request(stack: Stack, method: str, path: str, *, headers: dict, body: str = "") -> tuple[int, str, dict]:
    connection = HTTPConnection("127.0.0.1", stack.port, timeout=300)
    try:
        connection.request(method, path, body=body.encode(), headers={**PROXY_HEADERS, **headers})
        response = connection.getresponse()
        return response.status, response.read().decode(errors="replace"), dict(response.getheaders())
    finally:
        connection.close()


def _csrf_cookie(stack: Stack) -> str:
    _, _, headers = _request(stack, "GET", "/accounts/login/", headers={})
    cookie = SimpleCookie(headers["Set-Cookie"])
    return cookie["csrftoken"].value


def _cabinet_ms(stack: Stack, session: str) -> float:
    started = time.perf_counter()
    status, _, _ = _request(stack, "GET", CABINET, headers={"Cookie": session})
    assert status == 200, status
    return (time.perf_counter() - started) * 1000


def _burst(stack: Stack, session: str, csrf: str, *, addresses: int, network: int) -> dict:
    """50 wrong logins at once; for WINDOW_SECONDS from that moment the member loads the cabinet
    again and again, as someone clicking through it would."""
    answers: list[str] = []
    finished: list[float] = []
    origin = f"https://127.0.0.1:{stack.port}"
    body = f"login=269&password=Wrong-pass1&csrfmiddlewaretoken={csrf}"

    def wrong_login(n: int) -> None:
        status, html, _ = _request(
            stack,
            "POST",
            "/accounts/login/",
            body=body,
            headers={
                "Cookie": f"csrftoken={csrf}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": origin,
                "Referer": origin + "/accounts/login/",
                "X-Forwarded-For": f"10.{network}.0.{n % addresses + 1}",
            },
        )
        finished.append(time.perf_counter())
        if status == 429:
            answers.append("429 too many requests")
        elif status != 200:
            answers.append(f"HTTP {status}")
        elif "Неверный номер участка или пароль" in html:
            answers.append("checked")
        elif "Слишком много неудачных попыток" in html:
            answers.append("rate limit")
        elif "слишком много входов сразу" in html:
            answers.append("busy")
        else:
            answers.append("other")

    threads = [threading.Thread(target=wrong_login, args=(n,)) for n in range(WRONG_LOGINS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    times = []
    while time.perf_counter() - started < WINDOW_SECONDS:
        times.append(_cabinet_ms(stack, session))
    for thread in threads:
        thread.join()
    return {
        "burst_s": round(max(finished) - started, 1),
        "median_ms": round(statistics.median(times), 1),
        "first_ms": round(times[0], 1),
        "loads": len(times),
        "answers": {kind: answers.count(kind) for kind in sorted(set(answers))},
    }


def _idle_ms(stack: Stack, session: str) -> float:
    return statistics.median(_cabinet_ms(stack, session) for _ in range(IDLE_ROUNDS))


def _run(stack: Stack, session: str, *, checks_at_once: int, network: int) -> dict:
    """One gunicorn with the cap set; the idle median is the worse of before and after the bursts."""
    stack.env["LOGIN_PASSWORD_CHECKS_AT_ONCE"] = str(checks_at_once)
    with stack.gunicorn(workers=3):
        csrf = _csrf_cookie(stack)
        for _ in range(6):  # warm every worker
            _cabinet_ms(stack, session)
        idle = _idle_ms(stack, session)
        one = _burst(stack, session, csrf, addresses=1, network=network)
        many = _burst(stack, session, csrf, addresses=WRONG_LOGINS, network=network + 1)
        idle = max(idle, _idle_ms(stack, session))
    return {"idle_ms": idle, "one address": one, "50 addresses": many}


def test_wrong_login_burst_does_not_queue_the_cabinet(tmp_path, targets):
    with scratch_database() as database_url, redis_prefix() as prefix:
        stack = Stack(database_url=database_url, cache_prefix=prefix, static_root=tmp_path / "static")
        stack.manage("migrate", "--noinput")
        stack.manage("collectstatic", "--noinput")
        session = stack.manage("shell", "-c", PREPARE).strip().splitlines()[-1]
        capped = _run(stack, session, checks_at_once=1, network=1)
        uncapped = _run(stack, session, checks_at_once=WRONG_LOGINS, network=3)

    print(f"\nlogin flood: gunicorn 3 sync workers, PBKDF2 1M, {WRONG_LOGINS} wrong logins at once")
    for label, run in [("cap 1 (the default)", capped), ("cap lifted, for comparison", uncapped)]:
        print(f"  {label}: cabinet idle median {run['idle_ms']:.1f} ms")
        for name in ("one address", "50 addresses"):
            print(f"    {name:<14} {json.dumps(run[name], ensure_ascii=False)}")
    idle = capped["idle_ms"]
    for name in ("one address", "50 addresses"):
        result = capped[name]
        assert not any(kind.startswith("HTTP") or kind == "other" for kind in result["answers"]), result
        assert result["answers"].get("checked", 0) <= 5, result  # login_failed: 5 per login + address
        targets.check(f"cabinet median, burst from {name} / idle", result["median_ms"] / idle, TARGET)
    targets.assert_met()
