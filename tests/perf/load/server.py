"""The production stack on loopback for the load benchmark: a scratch PostgreSQL database, a
Redis database of its own, gunicorn with 2 workers, and wrk as the load generator.

BENCH_POSTGRES_URL (a maintenance database to create the scratch one from), BENCH_REDIS_URL
and BENCH_SETTINGS_MODULE override the defaults below.
"""

import contextlib
import http.client
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import redis

ROOT = Path(__file__).resolve().parents[3]
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
SETTINGS = os.environ.get("BENCH_SETTINGS_MODULE", "tests.perf.load.settings")
BASELINE_PATH = "/bench/authenticated/"  # tests/perf/load/urls.py
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}  # the production settings trust it, as behind a proxy

WRK_SCRIPT = """
local paths = {%(paths)s}
local cookies = {%(cookies)s}
local counter = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  errors = 0
end

function request()
  counter = counter + 1
  local headers = {["X-Forwarded-Proto"] = "https"}
  if #cookies > 0 then
    headers["Cookie"] = cookies[(math.floor(counter / #paths) %% #cookies) + 1]
  end
  return wrk.format("GET", paths[(counter %% #paths) + 1], headers)
end

function response(status, headers, body)
  if status ~= 200 then
    errors = errors + 1
  end
end

function done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("errors")
  end
  local e = summary.errors
  io.write(string.format(
    'WRK {"requests": %%d, "duration_us": %%d, "non_200": %%d, "socket_errors": %%d, '
    .. '"p50_us": %%d, "p95_us": %%d, "p99_us": %%d}\\n',
    summary.requests, summary.duration, failed, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


@dataclass
class LoadResult:
    requests: int
    seconds: float
    non_200: int
    socket_errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @property
    def errors(self) -> int:
        return self.non_200 + self.socket_errors

    def __add__(self, other: "LoadResult") -> "LoadResult":
        """Two runs of the same scenario: counts add up, percentiles are the worse of the two."""
        return LoadResult(
            requests=self.requests + other.requests,
            seconds=self.seconds + other.seconds,
            non_200=self.non_200 + other.non_200,
            socket_errors=self.socket_errors + other.socket_errors,
            p50_ms=max(self.p50_ms, other.p50_ms),
            p95_ms=max(self.p95_ms, other.p95_ms),
            p99_ms=max(self.p99_ms, other.p99_ms),
        )


def ensure_wrk() -> str:
    """wrk from Debian, installed when missing and we are root; otherwise say how to get it."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, env=env, capture_output=True)
        if not shutil.which("wrk"):
            subprocess.run(["apt-get", "update", "-qq"], check=False, env=env, capture_output=True)
            subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env, capture_output=True)
        found = shutil.which("wrk")
    if not found:
        raise RuntimeError("the load benchmark needs wrk: apt-get install wrk")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def scratch_database() -> Iterator[str]:
    """A new PostgreSQL database `snt_bench_<random>`, dropped afterwards; yields its URL."""
    name = f"snt_bench_{secrets.token_hex(4)}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def redis_prefix() -> Iterator[str]:
    """A key prefix of this run in the benchmark's Redis database; its keys are deleted afterwards."""
    prefix = f"bench-{secrets.token_hex(4)}"
    client = redis.Redis.from_url(REDIS_URL)
    client.ping()
    try:
        yield prefix
    finally:
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
        client.close()


class Stack:
    """Environment and commands of one benchmark run (production settings on loopback)."""

    def __init__(self, *, database_url: str, cache_prefix: str, static_root: Path, caches: bool = True) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "False",
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_URL,
            "CACHE_KEY_PREFIX": cache_prefix,
            "BENCH_STATIC_ROOT": str(static_root),
            "DJANGO_LOG_LEVEL": "WARNING",
            # Off: every page rendered afresh, as `make run` serves it and production after an import.
            "CABINET_CACHE": str(caches),
            "PAGE_CACHE": str(caches),
        }

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=300
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def python(self, module: str, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", module, *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=300
        )
        if result.returncode != 0:
            raise RuntimeError(f"{module} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    @contextlib.contextmanager
    def gunicorn(self, workers: int = 2) -> Iterator[None]:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "cms.wsgi:application",
            f"--workers={workers}",
            f"--bind=127.0.0.1:{self.port}",
            "--log-level=warning",
        ]
        with tempfile.TemporaryFile() as log:
            process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
            try:
                self._wait_until_up(process, log)
                yield
            finally:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()

    def _wait_until_up(self, process: subprocess.Popen, log) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError("gunicorn exited:\n" + log.read().decode(errors="replace"))
            try:
                self.get("/")
                return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def get(self, path: str, cookie: str = "") -> tuple[int, dict[str, str], str]:
        """One request, redirects not followed (a login redirect must show as a 302)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("GET", path, headers={**PROXY_HEADERS, **({"Cookie": cookie} if cookie else {})})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read().decode(errors="replace")
        finally:
            connection.close()

    def load(
        self, *, paths: list[str], seconds: int, connections: int, cookies: list[str] = (), threads: int = 2
    ) -> LoadResult:
        """wrk against the server: each request takes the next path, each round of paths the next cookie."""
        script = WRK_SCRIPT % {
            "paths": ", ".join(json.dumps(p) for p in paths),
            "cookies": ", ".join(json.dumps(c) for c in cookies),
        }
        with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
            lua.write(script)
            lua.flush()
            result = subprocess.run(  # noqa: S603
                [
                    ensure_wrk(),
                    f"--threads={threads}",
                    f"--connections={connections}",
                    f"--duration={seconds}s",
                    "--timeout=10s",
                    f"--script={lua.name}",
                    self.base_url + paths[0],
                ],
                capture_output=True,
                text=True,
                timeout=seconds + 60,
                check=True,
            )
        line = next(line for line in result.stdout.splitlines() if line.startswith("WRK "))
        data = json.loads(line[4:])
        return LoadResult(
            requests=data["requests"],
            seconds=data["duration_us"] / 1e6,
            non_200=data["non_200"],
            socket_errors=data["socket_errors"],
            p50_ms=data["p50_us"] / 1000,
            p95_ms=data["p95_us"] / 1000,
            p99_ms=data["p99_us"] / 1000,
        )
