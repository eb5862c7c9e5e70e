"""Backups: the demo backed up here is restored by `manage.py restore` in another process into
a fresh database (a new SQLite file, or a scratch PostgreSQL database), and compared;
then into a migrated, empty one."""

import difflib
import io
import json
import os
import re
import secrets
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from psycopg import sql

from billing.models import Plot
from cms.backups import BackupError, backup_restore
from tests.factories import PlotFactory

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PAGES = ["/", "/cabinet/", "/cabinet/payments/", "/cabinet/electricity/"]
MEMBER = "269"
CSRF_TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=)"[^"]*"')


@pytest.fixture(autouse=True)
def _serving_locks_in_tmp(settings, tmp_path):
    """restore's serving lock files go to a temporary folder, not the checkout's private/."""
    settings.SERVING_LOCK_DIR = tmp_path / "serving"


def snapshot() -> dict:
    """Row counts of the project's models and the member's cabinet pages as rendered.

    Runs here and, through `python -c`, against the restored database in a subprocess.
    """
    models = [apps.get_model("wagtailcore", "Page")]
    for label in ("home", "billing", "members"):
        models += apps.get_app_config(label).get_models(include_auto_created=True)
    counts = {model._meta.label_lower: model._base_manager.count() for model in models}
    client = Client()
    client.force_login(get_user_model().objects.get(username=MEMBER))
    pages = {}
    for url in PAGES:
        response = client.get(url)
        pages[url] = [response.status_code, CSRF_TOKEN.sub(r'\1""', response.content.decode())]
    return {"counts": counts, "pages": pages}


SNAPSHOT_SCRIPT = (
    "import django, json; django.setup(); from tests.cms.test_backup import snapshot; print(json.dumps(snapshot()))"
)


def run_python(*args: str, database_url: str, media_root: Path) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in {"DATABASE_URL", "REDIS_URL"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="cms.settings.test",
        DATABASE_URL=database_url,
        DJANGO_MEDIA_ROOT=str(media_root),
        DJANGO_LOG_LEVEL="WARNING",
        SERVING_LOCK_DIR=str(media_root.parent / "serving"),
    )
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=120
    )


def _admin_connection() -> psycopg.Connection:
    database = connection.settings_dict
    params = {"host": database["HOST"], "port": database["PORT"], "user": database["USER"]}
    params["password"] = database["PASSWORD"]
    return psycopg.connect(dbname="postgres", autocommit=True, **{k: v for k, v in params.items() if v})


@contextmanager
def scratch_database(tmp_path: Path, name: str, *, migrated: bool) -> Iterator[str]:
    """A database for the restore: a new SQLite file or a scratch PostgreSQL database, either
    untouched or a copy of the migrated, still empty test database (as after a release's migrate)."""
    if connection.vendor == "sqlite":
        path = tmp_path / f"{name}.sqlite3"
        if migrated:
            with closing(sqlite3.connect(path)) as copy:
                connection.ensure_connection()  # an earlier live-server test may have closed it
                connection.connection.backup(copy)
        yield f"sqlite:///{path}"
        return
    database = connection.settings_dict
    name = f"snt_backup_{name}_{secrets.token_hex(4)}"
    with _admin_connection() as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        if migrated:
            environment = {**os.environ, "PGHOST": database["HOST"] or "", "PGPORT": str(database["PORT"] or "")}
            environment.update(PGUSER=database["USER"] or "", PGPASSWORD=database["PASSWORD"] or "")
            dump = tmp_path / f"{name}.dump"
            for command in (
                ["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", "--dbname", database["NAME"]],
                ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", name, str(dump)],
            ):
                subprocess.run(command, env=environment, check=True, capture_output=True, timeout=60)
        credentials = quote(database["USER"] or "")
        if database["PASSWORD"]:
            credentials += f":{quote(database['PASSWORD'])}"
        yield f"postgres://{credentials}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{name}"
    finally:
        with _admin_connection() as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def fresh_database_url(tmp_path):
    with scratch_database(tmp_path, "fresh", migrated=False) as url:
        yield url


@pytest.fixture
def migrated_database_url(transactional_db, tmp_path):
    """Copied before the test loads the demo, so it holds the schema and no data."""
    with scratch_database(tmp_path, "migrated", migrated=True) as url:
        yield url


def media_tree(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


@pytest.mark.django_db(transaction=True)
def test_backup_of_the_demo_restores_into_fresh_and_migrated_databases(
    settings, tmp_path, fresh_database_url, migrated_database_url
):
    call_command("load_demo", stdout=io.StringIO())
    output = io.StringIO()
    call_command("backup", "--output", str(tmp_path / "backups"), stdout=output)
    (archive,) = (tmp_path / "backups").iterdir()
    assert re.fullmatch(r"snt-backup-\d{8}-\d{6}\.tar\.gz", archive.name)
    assert str(archive) in output.getvalue()
    assert archive.stat().st_mode & 0o077 == 0
    original = snapshot()
    original_media = media_tree(Path(settings.MEDIA_ROOT))
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["engine"] == connection.vendor
    assert manifest["row_counts"]["billing_plot"] == Plot.objects.count() > 0
    assert "0001_initial" in manifest["migrations"]["billing"]

    restored_media = tmp_path / "restored-media"
    fresh = {"database_url": fresh_database_url, "media_root": restored_media}
    restore = run_python("manage.py", "restore", str(archive), **fresh)
    assert restore.returncode == 0, restore.stderr
    assert re.search(r"billing_plot\s+(\d+)\s+\1\n", restore.stdout)
    assert "Восстановление завершено" in restore.stdout

    copy = run_python("-c", SNAPSHOT_SCRIPT, **fresh)
    assert copy.returncode == 0, copy.stderr
    restored = json.loads(copy.stdout)
    assert restored["counts"] == original["counts"]
    assert original["counts"]["billing.reading"] > 0
    assert original["counts"]["members.plotclaim"] == 2
    for url in PAGES:
        assert original["pages"][url][0] == 200
        changed = [
            line
            for line in difflib.unified_diff(
                original["pages"][url][1].splitlines(), restored["pages"][url][1].splitlines(), lineterm="", n=0
            )
            if line[:1] in "+-" and line[:3] not in ("+++", "---")
        ]
        assert restored["pages"][url][0] == original["pages"][url][0], url
        assert not changed, f"{url} differs after restore:\n" + "\n".join(changed[:20])
    assert "270" in restored["pages"]["/cabinet/"][1]
    assert "4121.45" in restored["pages"]["/cabinet/electricity/"][1]  # plot 269, May 2022, two-zone
    assert original_media
    assert media_tree(restored_media) == original_media

    again = run_python("manage.py", "restore", str(archive), **fresh)
    assert again.returncode != 0
    assert "База данных не пуста" in again.stderr

    migrated = run_python(
        "manage.py", "restore", str(archive), database_url=migrated_database_url, media_root=tmp_path / "media-2"
    )
    assert migrated.returncode == 0, migrated.stderr
    assert re.search(r"billing_plot\s+(\d+)\s+\1\n", migrated.stdout)


def make_archive(
    path: Path, members: dict[str, bytes], *, engine: str | None = None, links: dict | None = None
) -> Path:
    manifest = {"format": 1, "engine": engine or connection.vendor, "migrations": {}, "row_counts": {}}
    members = {"manifest.json": json.dumps(manifest).encode(), **members}
    with tarfile.open(path, "w:gz") as tar:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            tar.addfile(info)
    return path


@pytest.mark.parametrize("name", ["../{}", "media/../../{}", "/{}"])
def test_restore_refuses_members_outside_the_archive(tmp_path, name):
    """No database access allowed here: the archive is refused before anything is touched."""
    evil = f"evil-{secrets.token_hex(4)}"
    archive = make_archive(tmp_path / "evil.tar.gz", {"database.sqlite3": b"", name.format(evil): b"pwned"})
    with pytest.raises(BackupError, match="недопустимый путь"):
        backup_restore(archive=archive)
    assert not (Path(tempfile.gettempdir()) / evil).exists()
    assert not (Path("/") / evil).exists()


def test_restore_refuses_links_and_foreign_files(tmp_path):
    linked = make_archive(tmp_path / "link.tar.gz", {}, links={"media/passwd": "/etc/passwd"})
    with pytest.raises(BackupError, match="не обычный файл"):
        backup_restore(archive=linked)
    foreign = make_archive(tmp_path / "foreign.tar.gz", {"run.sh": b"rm -rf /"})
    with pytest.raises(BackupError, match="посторонний файл"):
        backup_restore(archive=foreign)


def test_restore_refuses_an_archive_of_another_engine(tmp_path):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    archive = make_archive(tmp_path / "other.tar.gz", {"database.sqlite3": b"", "database.dump": b""}, engine=other)
    with pytest.raises(CommandError, match=f"Архив сделан для базы «{other}»"):
        call_command("restore", str(archive))


@pytest.mark.django_db
def test_restore_refuses_a_database_with_data(tmp_path):
    plot = PlotFactory()
    archive = make_archive(tmp_path / "backup.tar.gz", {"database.sqlite3": b"", "database.dump": b""})
    # the first table with data by name, a billing_ one
    with pytest.raises(CommandError, match=r"База данных не пуста.*таблица billing_"):
        call_command("restore", str(archive))
    assert list(Plot.objects.values_list("pk", flat=True)) == [plot.pk]


def test_backup_refuses_a_folder_inside_media(settings):
    target = Path(settings.MEDIA_ROOT) / "backups"
    with pytest.raises(CommandError, match="внутри папки медиафайлов"):
        call_command("backup", "--output", str(target))
    assert not target.exists()


@pytest.mark.django_db
def test_backup_refuses_to_run_inside_a_transaction(tmp_path):
    with pytest.raises(CommandError, match="внутри транзакции"):
        call_command("backup", "--output", str(tmp_path / "backups"))
    assert not (tmp_path / "backups").exists()


@pytest.mark.django_db(transaction=True)
def test_backup_needs_pg_dump_only_for_postgresql(monkeypatch, tmp_path):
    PlotFactory()
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    if connection.vendor == "postgresql":
        with pytest.raises(CommandError, match="Не найдена программа pg_dump"):
            call_command("backup", "--output", str(tmp_path / "backups"))
        assert not list((tmp_path / "backups").iterdir())
    else:
        call_command("backup", "--output", str(tmp_path / "backups"), stdout=io.StringIO())
        (archive,) = (tmp_path / "backups").iterdir()
        with tarfile.open(archive) as tar:
            assert json.load(tar.extractfile("manifest.json"))["row_counts"]["billing_plot"] == 1
