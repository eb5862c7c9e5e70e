"""`restore` refuses while the site serves the same database: a real `runserver` and a real
gunicorn with two workers hold the serving lock; once they stop, the restore goes on."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from cms.backups import hold_serving_lock, site_stopped
from tests.cms.test_backup import make_archive
from tests.cms.test_backup_offsite import database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(kind: str, port: int, lock_dir: Path) -> subprocess.Popen:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "REDIS_"))}
    environment.update(
        DJANGO_SETTINGS_MODULE="cms.settings.test",
        DATABASE_URL=database_url(),
        SERVING_LOCK_DIR=str(lock_dir),
        DJANGO_LOG_LEVEL="WARNING",
    )
    if kind == "runserver":
        command = [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    else:
        command = [GUNICORN, "cms.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"]
    return subprocess.Popen(
        command, cwd=BASE_DIR, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def wait_until_serving(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert server.poll() is None, "the server exited"
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=5)  # noqa: S310 - loopback
            return
        except urllib.error.HTTPError:
            return  # any answer means it serves
        except OSError:
            time.sleep(0.3)
    raise AssertionError("the server did not answer")


def refusal(archive: Path, *, holders: int) -> str:
    """The refusal once `holders` processes hold the lock (gunicorn's workers boot one by one)."""
    deadline = time.monotonic() + 60
    while True:
        with pytest.raises(CommandError) as refused:
            call_command("restore", str(archive))
        message = str(refused.value)
        found = re.search(r"процессы ([\d, ]+)\)", message)
        if (found and len(found.group(1).split(", ")) >= holders) or time.monotonic() > deadline:
            return message
        time.sleep(0.3)


def parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


@pytest.mark.parametrize(("kind", "holders"), [("runserver", 1), ("gunicorn", 2)])
@pytest.mark.django_db(transaction=True)
def test_restore_refuses_while_the_site_serves_and_goes_on_once_it_stops(settings, tmp_path, kind, holders):
    settings.SERVING_LOCK_DIR = tmp_path / "serving"
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    archive = make_archive(tmp_path / "other.tar.gz", {"database.sqlite3": b"", "database.dump": b""}, engine=other)
    port = free_port()
    server = start_server(kind, port, settings.SERVING_LOCK_DIR)
    try:
        wait_until_serving(port, server)
        message = refusal(archive, holders=holders)
        assert "Сайт сейчас работает с этой базой данных" in message
        assert "Остановите веб-сервер — gunicorn (процесс web из Procfile) или manage.py runserver" in message
        pids = [int(pid) for pid in re.search(r"процессы ([\d, ]+)\)", message).group(1).split(", ")]
        if kind == "runserver":
            assert pids == [server.pid]
        else:
            assert len(pids) == 2
            assert {parent_of(pid) for pid in pids} == {server.pid}  # the workers, not the master
        with pytest.raises(CommandError, match=f"Архив сделан для базы «{other}»"):
            call_command("restore", "--force", str(archive))  # --force goes past the lock
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    with pytest.raises(CommandError, match=f"Архив сделан для базы «{other}»"):
        call_command("restore", str(archive))  # nothing serves: on to the archive's checks


@pytest.mark.django_db
def test_a_restore_holds_the_lock_while_it_runs(settings, tmp_path):
    """A second restore at the same time is refused like a serving site."""
    settings.SERVING_LOCK_DIR = tmp_path / "serving"
    with site_stopped(), pytest.raises(CommandError, match="Сайт сейчас работает с этой базой данных"):
        call_command("restore", str(tmp_path / "any.tar.gz"))


@pytest.mark.django_db
def test_a_lock_that_cannot_be_checked_stops_restore_but_not_the_site(settings, tmp_path, caplog):
    (tmp_path / "file").write_text("not a folder")
    settings.SERVING_LOCK_DIR = tmp_path / "file" / "serving"
    assert hold_serving_lock() is None
    assert "Отметка работы сайта не поставлена" in caplog.text
    with pytest.raises(CommandError, match="Не удалось проверить, работает ли сайт.*повторите с --force"):
        call_command("restore", str(tmp_path / "any.tar.gz"))
    with pytest.raises(CommandError, match="Архив не найден"):
        call_command("restore", "--force", str(tmp_path / "any.tar.gz"))
