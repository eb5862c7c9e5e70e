"""Backups leave the machine: every archive also goes to S3-compatible storage (moto in server
mode over real HTTP, through django-storages), old ones are pruned there as in the folder, and
`restore` lists and fetches them. A wrong secret fails in Russian, with no secret printed."""

import io
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from billing.models import Plot
from cms.settings.base import _backup_storage
from tests.factories import PlotFactory
from tests.fakes.s3 import local_s3

BASE_DIR = Path(__file__).resolve().parent.parent.parent
OLD = ["snt-backup-20200101-000000.tar.gz", "snt-backup-20210101-000000.tar.gz"]


@pytest.fixture
def s3():
    with local_s3() as server:
        yield server


@pytest.fixture
def offsite(settings, s3, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "backups": _backup_storage(s3.url())}
    settings.SERVING_LOCK_DIR = tmp_path / "serving"
    return s3


def database_url() -> str:
    """The test database as DATABASE_URL, for a manage.py in another process."""
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    credentials = quote(database["USER"] or "")
    if database["PASSWORD"]:
        credentials += f":{quote(database['PASSWORD'])}"
    return f"postgres://{credentials}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"


def backup(output: Path, *args: str) -> str:
    stdout = io.StringIO()
    call_command("backup", "--output", str(output), *args, stdout=stdout)
    return stdout.getvalue()


@pytest.mark.django_db(transaction=True)
def test_every_backup_lands_in_the_storage_and_only_the_newest_are_kept(offsite, tmp_path):
    PlotFactory()
    local = tmp_path / "backups"
    local.mkdir()
    for name in OLD:
        (local / name).write_bytes(b"old")
        offsite.client().put_object(Bucket=offsite.bucket, Key=f"site/{name}", Body=b"old")
    offsite.client().put_object(Bucket=offsite.bucket, Key="site/README.txt", Body=b"not an archive")

    output = backup(local, "--keep", "2")

    (archive,) = [path for path in local.iterdir() if path.name not in OLD]
    assert sorted(path.name for path in local.iterdir()) == [OLD[1], archive.name]
    assert offsite.object_keys() == sorted(["site/README.txt", f"site/{OLD[1]}", f"site/{archive.name}"])
    stored = offsite.client().get_object(Bucket=offsite.bucket, Key=f"site/{archive.name}")["Body"].read()
    assert stored == archive.read_bytes()
    assert f"Копия отправлена в хранилище: {offsite.endpoint}/snt-backups/site/{archive.name}\n" in output
    assert f"Удалены старые копии в хранилище: {OLD[0]}" in output
    assert offsite.secret_key not in output


@pytest.mark.django_db(transaction=True)
def test_restore_lists_and_fetches_the_newest_or_a_named_archive(offsite, tmp_path):
    PlotFactory()
    backup(tmp_path / "first")
    (first,) = offsite.object_keys()
    client = offsite.client()
    client.copy_object(Bucket=offsite.bucket, Key=f"site/{OLD[0]}", CopySource=f"{offsite.bucket}/{first}")
    client.delete_object(Bucket=offsite.bucket, Key=first)
    PlotFactory()
    backup(tmp_path / "second")
    newest = next(name for name in offsite.object_keys() if not name.endswith(OLD[0])).removeprefix("site/")

    listing = io.StringIO()
    call_command("restore", "--list", stdout=listing)
    assert listing.getvalue().splitlines()[1:] == [newest, OLD[0]]

    for name, plots in ((None, 2), (OLD[0], 1)):
        call_command("flush", "--no-input")
        assert not Plot.objects.exists()
        output = io.StringIO()
        call_command("restore", "--from-storage", *([name] if name else []), stdout=output)
        assert f"Архив {name or newest} скачан из хранилища." in output.getvalue()
        assert "Восстановление завершено" in output.getvalue()
        assert Plot.objects.count() == plots

    with pytest.raises(CommandError, match="нет архива «snt-backup-19990101-000000.tar.gz»"):
        call_command("restore", "--from-storage", "snt-backup-19990101-000000.tar.gz")


def test_restore_from_storage_needs_the_storage(settings):
    assert "backups" not in settings.STORAGES
    with pytest.raises(CommandError, match="Хранилище резервных копий не настроено: задайте BACKUP_S3_URL"):
        call_command("restore", "--list")


def manage(*args: str, s3_url: str, tmp_path: Path) -> subprocess.CompletedProcess:
    """manage.py with the production settings, configured by BACKUP_S3_URL alone, logging everything."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "REDIS_"))}
    environment.update(
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        DJANGO_SECRET_KEY="offsite-test-key",
        DJANGO_ALLOWED_HOSTS="localhost",
        DATABASE_URL=database_url(),
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
        SERVING_LOCK_DIR=str(tmp_path / "serving"),
        DJANGO_LOG_LEVEL="DEBUG",
        BACKUP_S3_URL=s3_url,
    )
    command = [sys.executable, "manage.py", *args]
    return subprocess.run(command, cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=120)


@pytest.mark.django_db(transaction=True)
def test_one_variable_sends_backups_and_a_wrong_secret_fails_in_russian(s3, tmp_path):
    PlotFactory()
    sent = manage("backup", "--output", str(tmp_path / "ok"), s3_url=s3.url(), tmp_path=tmp_path)
    assert sent.returncode == 0, sent.stderr
    (archive,) = (tmp_path / "ok").iterdir()
    assert s3.object_keys() == [f"site/{archive.name}"]
    listed = manage("restore", "--list", s3_url=s3.url(), tmp_path=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert archive.name in listed.stdout

    wrong_secret = "Wr0ng/Secret+Value"
    refused = {}
    for args in (["backup", "--output", str(tmp_path / "refused")], ["restore", "--from-storage"]):
        failed = refused[args[0]] = manage(*args, s3_url=s3.url(secret=wrong_secret), tmp_path=tmp_path)
        assert failed.returncode != 0
        assert "отказало в доступе (SignatureDoesNotMatch)" in failed.stderr
        assert "Проверьте ключ и секрет в BACKUP_S3_URL" in failed.stderr
        assert "Traceback" not in failed.stderr
        for secret in (wrong_secret, quote(wrong_secret, safe=""), s3.secret_key):
            assert secret not in failed.stdout + failed.stderr
    (kept,) = (tmp_path / "refused").iterdir()
    assert f"Архив сохранён только здесь: {kept}." in refused["backup"].stderr
    assert "не удалось получить список архивов" in refused["restore"].stderr
    assert s3.object_keys() == [f"site/{archive.name}"]
