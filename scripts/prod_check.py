"""`make prod-check`: run the production configuration on local PostgreSQL and Redis and check it.

A scratch database and a Redis key prefix of its own, migrate, collectstatic into a temp dir,
load_demo, `check --deploy`, gunicorn on a free loopback port; then the security headers and
cookies of the home page, the cabinet (member 269) and the admin (treasurer), and a Chromium
pass over site and admin pages that fails on any Content-Security-Policy violation. Everything
is stopped and dropped on the way out, also after a failure. Exit status 0 only if all passed.
"""

import contextlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import redis
import requests
from prod_check_browser import browser_checks  # beside this file: scripts/ is on sys.path
from psycopg import sql

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
POSTGRES_URL = os.environ.get("PROD_CHECK_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("PROD_CHECK_REDIS_URL", "redis://127.0.0.1:6379/14")
TIME_LIMIT = float(os.environ.get("PROD_CHECK_TIMEOUT", "900"))
STARTED = time.monotonic()
HTTPS = {"X-Forwarded-Proto": "https"}
DEMO_PASSWORD = "anikino-demo"  # noqa: S105 - printed by load_demo, see members/demo.py
MEMBER, MEMBER_PASSWORD = "269", "Sad-demo-2022"  # members/demo.py
HSTS_MIN_SECONDS = 31_536_000


class Failed(Exception):
    """A step that makes the rest of the run pointless."""


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def remaining() -> float:
    left = TIME_LIMIT - (time.monotonic() - STARTED)
    if left <= 0:
        raise Failed(f"время вышло ({TIME_LIMIT:.0f} с)")
    return left


class Report:
    def __init__(self) -> None:
        self.results: list[tuple[bool, str, str]] = []

    def check(self, ok: bool, name: str, detail: str = "") -> bool:
        self.results.append((ok, name, detail))
        say(f"  [{'OK' if ok else 'FAIL'}] {name}" + (f" — {detail}" if detail and not ok else ""))
        return ok

    @property
    def failures(self) -> int:
        return sum(1 for ok, _, _ in self.results if not ok)


# --- processes, database, redis ------------------------------------------------------------


def run(step: str, args: list[str], env: dict[str, str], limit: float = 300) -> str:
    say(f"-- {step}")
    result = subprocess.run(  # noqa: S603 - fixed argv, no shell
        args, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=min(limit, remaining()), check=False
    )
    if result.returncode != 0:
        raise Failed(f"{step}: код {result.returncode}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result.stdout + result.stderr


@contextlib.contextmanager
def scratch_database() -> Iterator[str]:
    name = f"snt_prodcheck_{secrets.token_hex(4)}"
    with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=10) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    say(f"-- база {name} создана")
    try:
        yield urlunsplit(urlsplit(POSTGRES_URL)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=10) as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        say(f"-- база {name} удалена")


@contextlib.contextmanager
def redis_prefix() -> Iterator[str]:
    """Keys under a prefix of our own, deleted afterwards: the Redis may be shared."""
    prefix = f"prodcheck-{secrets.token_hex(4)}"
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
    client.ping()
    try:
        yield prefix
    finally:
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
        client.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(env: dict[str, str], port: int, logs: Path) -> Iterator[Path]:
    stdout_path, stderr_path = logs / "web.jsonl", logs / "gunicorn.log"
    with stdout_path.open("w") as stdout, stderr_path.open("w") as stderr:
        process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            [GUNICORN, "cms.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}", "--timeout", "60"],
            cwd=BASE_DIR,
            env=env,
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,
        )
        say(f"-- gunicorn (pid {process.pid}) на 127.0.0.1:{port}")
        try:
            wait_until_up(f"http://127.0.0.1:{port}/", process, stderr_path)
            yield stdout_path
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
            say("-- gunicorn остановлен")


def wait_until_up(url: str, process: subprocess.Popen, stderr_path: Path) -> None:
    deadline = time.monotonic() + min(90, remaining())
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise Failed(f"gunicorn завершился с кодом {process.returncode}\n{stderr_path.read_text()[-3000:]}")
        with contextlib.suppress(requests.RequestException):
            requests.get(url, headers=HTTPS, timeout=5, allow_redirects=False)
            return
        time.sleep(0.5)
    raise Failed("gunicorn не ответил за 90 с")


# --- HTTP: headers and cookies --------------------------------------------------------------


class Client:
    """requests would not send Secure cookies back over plain http to 127.0.0.1: keep them here."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.cookies: dict[str, str] = {}
        self.set_cookies: dict[str, dict[str, str | bool]] = {}

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {**HTTPS, "Referer": f"https://{urlsplit(self.base_url).netloc}{path}", **kwargs.pop("headers", {})}
        response = requests.request(
            method,
            self.base_url + path,
            headers=headers,
            cookies=self.cookies,
            allow_redirects=False,
            timeout=min(30, remaining()),
            **kwargs,
        )
        for header in response.raw.headers.getlist("Set-Cookie"):
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                self.set_cookies[name] = {
                    "secure": bool(morsel["secure"]),
                    "httponly": bool(morsel["httponly"]),
                    "samesite": morsel["samesite"],
                }
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def login(self, username: str, password: str) -> requests.Response:
        self.request("GET", "/accounts/login/")
        data = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), "login": username, "password": password}
        return self.request("POST", "/accounts/login/", data=data)


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def check_headers(report: Report, where: str, response: requests.Response, *, admin: bool = False) -> None:
    headers = response.headers
    report.check(response.status_code == 200, f"{where}: ответ 200", f"получен {response.status_code}")
    hsts = headers.get("Strict-Transport-Security", "")
    max_age = re.search(r"max-age=(\d+)", hsts)
    report.check(
        bool(max_age) and int(max_age.group(1)) >= HSTS_MIN_SECONDS and "includeSubDomains" in hsts,
        f"{where}: Strict-Transport-Security",
        hsts or "нет заголовка",
    )
    csp = csp_directives(headers.get("Content-Security-Policy", ""))
    scripts = csp.get("script-src", csp.get("default-src", ["*"]))
    script_ok = "*" not in scripts and "'unsafe-eval'" not in scripts and (admin or "'unsafe-inline'" not in scripts)
    report.check(
        csp.get("default-src") == ["'self'"]
        and csp.get("object-src") == ["'none'"]
        and "frame-ancestors" in csp
        and "base-uri" in csp
        and script_ok,
        f"{where}: Content-Security-Policy",
        headers.get("Content-Security-Policy", "нет заголовка"),
    )
    report.check(headers.get("X-Content-Type-Options") == "nosniff", f"{where}: X-Content-Type-Options: nosniff")
    report.check(
        headers.get("Referrer-Policy")
        in {"same-origin", "strict-origin", "strict-origin-when-cross-origin", "no-referrer"},
        f"{where}: Referrer-Policy",
        headers.get("Referrer-Policy", "нет заголовка"),
    )
    report.check(
        headers.get("X-Frame-Options") in {"DENY", "SAMEORIGIN"},
        f"{where}: X-Frame-Options",
        headers.get("X-Frame-Options", "нет заголовка"),
    )
    report.check(bool(headers.get("X-Request-ID")), f"{where}: X-Request-ID")


def check_cookies(report: Report, where: str, client: Client, names: tuple[str, ...]) -> None:
    for name in names:
        cookie = client.set_cookies.get(name)
        ok = bool(cookie) and cookie["secure"] and cookie["httponly"] and cookie["samesite"] in {"Lax", "Strict"}
        report.check(ok, f"{where}: cookie {name} Secure, HttpOnly, SameSite", str(cookie))


def http_checks(report: Report, base_url: str) -> None:
    say("== заголовки и cookie")
    anonymous = Client(base_url)
    home = anonymous.request("GET", "/")
    check_headers(report, "главная", home)
    static = re.search(r'href="(/static/[^"]+\.css)"', home.text)
    if report.check(bool(static), "главная: ссылка на CSS со статикой"):
        css = anonymous.request("GET", static.group(1), headers={"Accept-Encoding": "gzip, br"})
        report.check(
            css.status_code == 200
            and "immutable" in css.headers.get("Cache-Control", "")
            and css.headers.get("Content-Encoding") in {"gzip", "br"},
            "статика: whitenoise, хешированное имя, сжатие, immutable",
            f"{css.status_code} {css.headers.get('Cache-Control')} {css.headers.get('Content-Encoding')}",
        )

    member = Client(base_url)
    login = member.login(MEMBER, MEMBER_PASSWORD)
    report.check(
        login.status_code == 302 and "sessionid" in member.cookies,
        f"вход садовода {MEMBER}",
        f"{login.status_code} {login.headers.get('Location')}",
    )
    cabinet = member.request("GET", "/cabinet/payments/")
    check_headers(report, "кабинет /cabinet/payments/", cabinet)
    report.check("Статус моих оплат" in cabinet.text, "кабинет: «Статус моих оплат» на странице")
    report.check(
        "Cookie" in cabinet.headers.get("Vary", "") or "private" in cabinet.headers.get("Cache-Control", ""),
        "кабинет: не кешируется общими кешами (Vary: Cookie)",
        f"Vary: {cabinet.headers.get('Vary')}; Cache-Control: {cabinet.headers.get('Cache-Control')}",
    )
    check_cookies(report, "кабинет", member, ("sessionid", "csrftoken"))

    treasurer = Client(base_url)
    login = treasurer.login("treasurer", DEMO_PASSWORD)
    report.check(
        login.status_code == 302 and "sessionid" in treasurer.cookies, "вход казначея", str(login.status_code)
    )
    admin = treasurer.request("GET", "/admin/")
    check_headers(report, "админка /admin/", admin, admin=True)
    check_cookies(report, "админка", treasurer, ("sessionid", "csrftoken"))


def log_checks(report: Report, web_log: Path) -> None:
    say("== журнал")
    lines = [line for line in web_log.read_text().splitlines() if line.strip()]
    parsed = []
    for line in lines:
        with contextlib.suppress(ValueError):
            parsed.append(json.loads(line))
    report.check(
        bool(lines) and len(parsed) == len(lines), "журнал: каждая строка — JSON", f"{len(parsed)}/{len(lines)}"
    )
    report.check(
        any(entry.get("request_id") and entry.get("logger") == "cms.request" for entry in parsed),
        "журнал: запросы записаны с request_id",
    )
    text = web_log.read_text()
    report.check(MEMBER_PASSWORD not in text and DEMO_PASSWORD not in text, "журнал: пароли не попали в журнал")


def main() -> int:
    report = Report()
    say(f"prod-check: PostgreSQL {POSTGRES_URL}, Redis {REDIS_URL}, не дольше {TIME_LIMIT:.0f} с")
    try:
        with contextlib.ExitStack() as stack:
            database_url = stack.enter_context(scratch_database())
            prefix = stack.enter_context(redis_prefix())
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="prodcheck-")))
            port = free_port()
            env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PROD_CHECK_"))}
            env.update(
                DJANGO_SETTINGS_MODULE="cms.settings.production",
                DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
                DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
                DJANGO_CSRF_TRUSTED_ORIGINS=f"http://127.0.0.1:{port}",
                DJANGO_STATIC_ROOT=str(workdir / "static"),
                DJANGO_MEDIA_ROOT=str(workdir / "media"),
                DATABASE_URL=database_url,
                REDIS_URL=REDIS_URL,
                CACHE_KEY_PREFIX=prefix,
                WAGTAILADMIN_BASE_URL=f"http://127.0.0.1:{port}",
                SMS_BACKEND="console",
            )
            run("migrate", [PYTHON, "manage.py", "migrate", "--noinput"], env)
            run("collectstatic", [PYTHON, "manage.py", "collectstatic", "--noinput"], env)
            say(run("load_demo", [PYTHON, "manage.py", "load_demo"], env).strip())
            say("== manage.py check --deploy (с перенаправлением на HTTPS, как в бою)")
            deploy = subprocess.run(  # noqa: S603 - fixed argv, no shell
                [PYTHON, "manage.py", "check", "--deploy"],
                cwd=BASE_DIR,
                env=env,
                capture_output=True,
                text=True,
                timeout=min(120, remaining()),
                check=False,
            )
            output = (deploy.stdout + deploy.stderr).strip()
            report.check(
                deploy.returncode == 0 and "WARNING" not in output and "no issues" in output, "check --deploy", output
            )
            broker = run(
                "брокер django-q2",
                [
                    PYTHON,
                    "manage.py",
                    "shell",
                    "-c",
                    "from django_q.brokers import get_broker; print(get_broker().ping())",
                ],
                env,
            )
            report.check("True" in broker, "django-q2: брокер Redis отвечает", broker.strip())

            web_env = {**env, "DJANGO_SECURE_SSL_REDIRECT": "False"}
            web_log = stack.enter_context(gunicorn(web_env, port, workdir))
            base_url = f"http://127.0.0.1:{port}"
            http_checks(report, base_url)
            browser_checks(report, base_url, database_url)
            log_checks(report, web_log)
    except Exception as error:  # anything at all: the report still ends with a verdict
        report.check(False, "прогон прерван", f"{type(error).__name__}: {error}")

    say()
    say(f"prod-check: {len(report.results) - report.failures} из {len(report.results)} проверок прошли")
    for ok, name, detail in report.results:
        if not ok:
            say(f"  FAIL {name}: {detail[:400]}")
    say("ИТОГ: " + ("всё в порядке" if report.failures == 0 else f"ошибок: {report.failures}"))
    return 0 if report.failures == 0 else 1


def _stop(signum: int, frame: object) -> None:
    raise Failed(f"прервано сигналом {signum}")


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGALRM, _stop)
    signal.alarm(int(TIME_LIMIT) + 60)  # a hung browser or server still ends in the cleanup
    sys.exit(main())
