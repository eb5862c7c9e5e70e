"""`make prod-check`: run the production configuration on local PostgreSQL and Redis and check it.

A scratch database and a Redis key prefix of its own, migrate, collectstatic into a temp dir,
load_demo, `check --deploy`, a qcluster worker that must run a task queued through Redis,
gunicorn on a free loopback port; then the security headers and
cookies of the home page, the cabinet (member 269) and the admin (treasurer), and a Chromium
pass over site and admin pages that fails on any Content-Security-Policy violation. Everything
is stopped and dropped on the way out, also after a failure. Exit status 0 only if all passed.
"""

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import redis
import requests
from prod_check_browser import browser_checks  # beside this file: scripts/ is on sys.path
from prod_check_http import DEMO_PASSWORD, HTTPS, MEMBER_PASSWORD, http_checks
from psycopg import sql

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
POSTGRES_URL = os.environ.get("PROD_CHECK_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("PROD_CHECK_REDIS_URL", "redis://127.0.0.1:6379/13")  # the load bench uses 14
TIME_LIMIT = float(os.environ.get("PROD_CHECK_TIMEOUT", "900"))
STARTED = time.monotonic()
QCLUSTER = [PYTHON, "manage.py", "qcluster"]
QUEUE_A_TASK = (
    "from django_q.tasks import async_task, result; print(result(async_task('math.floor', 2.5), wait=60000))"
)


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
def background(name: str, argv: list[str], env: dict[str, str], stdout_path: Path) -> Iterator[subprocess.Popen]:
    """A long-running process in its own session, so that it and its children stop together."""
    stderr_path = stdout_path.with_suffix(".err")
    with stdout_path.open("w") as stdout, stderr_path.open("w") as stderr:
        process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            argv, cwd=BASE_DIR, env=env, stdout=stdout, stderr=stderr, start_new_session=True
        )
        say(f"-- {name} запущен (pid {process.pid})")
        try:
            yield process
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
            say(f"-- {name} остановлен")


def wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + min(90, remaining())
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise Failed(f"gunicorn завершился с кодом {process.returncode}\n{log.read_text()[-3000:]}")
        with contextlib.suppress(requests.RequestException):
            requests.get(url, headers=HTTPS, timeout=5, allow_redirects=False)
            return
        time.sleep(0.5)
    raise Failed("gunicorn не ответил за 90 с")


def worker_check(report: Report, env: dict[str, str], process: subprocess.Popen) -> None:
    """A task queued through Redis comes back done: the worker runs in the production setup."""
    output = run("задача через qcluster", [PYTHON, "manage.py", "shell", "-c", QUEUE_A_TASK], env, limit=120)
    done = process.poll() is None and output.strip().endswith("2")
    report.check(done, "django-q2: обработчик выполнил задачу из очереди в Redis", output)


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


def production_env(*, database_url: str, prefix: str, workdir: Path, port: int) -> dict[str, str]:
    """This shell's environment without its DJANGO_* settings, plus production's own."""
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
    return env


def deploy_check(report: Report, env: dict[str, str]) -> None:
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
    clean = deploy.returncode == 0 and "WARNING" not in output and "no issues" in output
    report.check(clean, "check --deploy", output)


def main() -> int:
    report = Report()
    say(f"prod-check: PostgreSQL {POSTGRES_URL}, Redis {REDIS_URL}, не дольше {TIME_LIMIT:.0f} с")
    try:
        with contextlib.ExitStack() as stack:
            database_url = stack.enter_context(scratch_database())
            prefix = stack.enter_context(redis_prefix())
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="prodcheck-")))
            port = free_port()
            env = production_env(database_url=database_url, prefix=prefix, workdir=workdir, port=port)
            run("migrate", [PYTHON, "manage.py", "migrate", "--noinput"], env)
            run("collectstatic", [PYTHON, "manage.py", "collectstatic", "--noinput"], env)
            say(run("load_demo", [PYTHON, "manage.py", "load_demo"], env).strip())
            deploy_check(report, env)
            worker_check(report, env, stack.enter_context(background("qcluster", QCLUSTER, env, workdir / "q.log")))

            web_env = {**env, "DJANGO_SECURE_SSL_REDIRECT": "False"}
            web_log = workdir / "web.jsonl"
            web = [GUNICORN, "cms.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}", "--timeout", "60"]
            gunicorn = stack.enter_context(background("gunicorn", web, web_env, web_log))
            wait_until_up(f"http://127.0.0.1:{port}/", gunicorn, web_log.with_suffix(".err"))
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
