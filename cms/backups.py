"""Backups: the database and the media folder in one dated archive, and the way back.

The manifest's row counts are taken from the same snapshot as the dump (the SQLite copy
itself; for PostgreSQL a REPEATABLE READ transaction whose snapshot pg_dump shares), so a
restore can prove it brought back exactly what was saved.
"""

import json
import os
import re
import shutil
import sqlite3
import subprocess  # nosec B404 - only pg_dump/pg_restore/psql, resolved by shutil.which, list args
import tarfile
import tempfile
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import django
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

FORMAT_VERSION = 1
PROJECT_APPS = ("home", "billing", "members")
MANIFEST = "manifest.json"
MEDIA_DIR = "media"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
ARCHIVE_PREFIX = "snt-backup-"
TABLE_NAME = re.compile(r"^[A-Za-z0-9_]+$")
# libpq reads these from the environment, so nothing secret ever reaches a command line.
PG_OPTION_VARIABLES = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator, in Russian."""


@dataclass(frozen=True)
class RestoreResult:
    engine: str
    created_at: str
    expected_counts: dict[str, int]
    restored_counts: dict[str, int]
    media_files: int
    pending_migrations: list[str] = field(default_factory=list)

    @property
    def mismatched_tables(self) -> list[str]:
        tables = sorted(set(self.expected_counts) | set(self.restored_counts))
        return [table for table in tables if self.expected_counts.get(table) != self.restored_counts.get(table)]


def backup_create(*, target_dir: Path) -> Path:
    """Write `snt-backup-YYYYMMDD-HHMMSS.tar.gz` (database, media, manifest) into target_dir.

    The archive holds personal data, so it is created readable by its owner only.
    """
    engine = _engine()
    if connection.in_atomic_block:
        raise BackupError("Резервную копию нельзя делать внутри транзакции: её снимок не увидит чужих изменений.")
    media_root = Path(settings.MEDIA_ROOT).resolve()
    target_dir = Path(target_dir).resolve()
    if target_dir == media_root or media_root in target_dir.parents:
        raise BackupError(
            f"Нельзя сохранять резервную копию внутри папки медиафайлов ({media_root}): укажите другую папку."
        )
    target_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    created_at = timezone.now()
    archive = target_dir / f"{ARCHIVE_PREFIX}{timezone.localtime(created_at):%Y%m%d-%H%M%S}.tar.gz"
    if archive.exists():
        raise BackupError(f"Архив {archive} уже существует; повторите через секунду.")

    with tempfile.TemporaryDirectory(dir=target_dir, prefix=".snt-backup-") as workdir:
        database_file = Path(workdir) / DATABASE_FILES[engine]
        if engine == "sqlite":
            counts, migrations = _sqlite_dump(database_file)
        else:
            counts, migrations = _postgresql_dump(database_file)
        media_files = sorted(_media_files(media_root))
        manifest = {
            "format": FORMAT_VERSION,
            "engine": engine,
            "created_at": created_at.isoformat(),
            "django": django.get_version(),
            "migrations": migrations,
            "row_counts": counts,
            "media_files": len(media_files),
        }
        manifest_file = Path(workdir) / MANIFEST
        manifest_file.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")

        partial = Path(workdir) / archive.name
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
            tar.add(manifest_file, arcname=MANIFEST)
            tar.add(database_file, arcname=database_file.name)
            for path in media_files:
                tar.add(path, arcname=str(PurePosixPath(MEDIA_DIR, *path.relative_to(media_root).parts)))
        os.replace(partial, archive)
    return archive


def backup_restore(*, archive: Path) -> RestoreResult:
    """Bring an archive of backup_create back into the configured, empty database and MEDIA_ROOT.

    Refuses a database that already holds the site's data: a restore never merges.
    """
    engine = _engine()
    with tempfile.TemporaryDirectory(prefix="snt-restore-") as workdir:
        workdir = Path(workdir)
        manifest = _extract(Path(archive), workdir)
        if manifest.get("format") != FORMAT_VERSION:
            raise BackupError("Неизвестный формат архива: это не резервная копия сайта СНТ.")
        if manifest.get("engine") != engine:
            raise BackupError(
                f"Архив сделан для базы «{manifest.get('engine')}», а сайт настроен на «{engine}»:"
                " восстановите в базу того же типа."
            )
        database_file = workdir / DATABASE_FILES[engine]
        if not database_file.is_file():
            raise BackupError("В архиве нет файла базы данных.")
        _check_migrations_known(manifest.get("migrations", {}))
        busy_table = _table_with_project_data()
        if busy_table:
            raise BackupError(
                f"База данных не пуста: в ней уже есть данные сайта (таблица {busy_table})."
                " Восстановление возможно только в пустую базу."
            )

        if engine == "sqlite":
            _sqlite_load(database_file)
        else:
            _postgresql_load(database_file)
        media_files = _media_restore(workdir / MEDIA_DIR)

    expected = {str(table): int(count) for table, count in manifest.get("row_counts", {}).items()}
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        restored = _row_counts(cursor, [table for table in expected if table in existing])
    return RestoreResult(
        engine=engine,
        created_at=str(manifest.get("created_at", "")),
        expected_counts=expected,
        restored_counts=restored,
        media_files=media_files,
        pending_migrations=_pending_migrations(),
    )


def _engine() -> str:
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(f"Резервное копирование базы «{connection.vendor}» не поддерживается.")
    return connection.vendor


def _project_tables(*, with_pages: bool) -> set[str]:
    tables = set()
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model._meta.managed and not model._meta.proxy:
                tables.add(model._meta.db_table)
    if with_pages:
        tables.add(apps.get_model("wagtailcore", "Page")._meta.db_table)
    return tables


def _row_counts(cursor: Any, tables: Iterable[str]) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        if not TABLE_NAME.match(table):
            raise BackupError(f"Недопустимое имя таблицы в архиве: {table!r}.")
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608  # nosec B608 - TABLE_NAME-checked model table
        counts[table] = cursor.fetchone()[0]
    return counts


def _applied_migrations(cursor: Any) -> dict[str, list[str]]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, id")
    migrations: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        migrations.setdefault(app, []).append(name)
    return migrations


def _sqlite_dump(database_file: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Copy through SQLite's online backup API: a consistent image even while the site writes."""
    connection.ensure_connection()
    with closing(sqlite3.connect(database_file)) as copy:
        connection.connection.backup(copy)
        cursor = copy.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        existing = {row[0] for row in cursor.fetchall()}
        counts = _row_counts(cursor, _project_tables(with_pages=True) & existing)
        migrations = _applied_migrations(cursor)
    return counts, migrations


def _sqlite_load(database_file: Path) -> None:
    connection.close()
    connection.ensure_connection()
    with closing(sqlite3.connect(database_file)) as source:
        source.backup(connection.connection)
    connection.close()


def _pg_environment() -> dict[str, str]:
    database = connection.settings_dict
    environment = dict(os.environ)
    values = {
        "PGHOST": database.get("HOST"),
        "PGPORT": database.get("PORT"),
        "PGUSER": database.get("USER"),
        "PGPASSWORD": database.get("PASSWORD"),
        "PGDATABASE": database.get("NAME"),
        "PGAPPNAME": "snt-backup",
    }
    options = database.get("OPTIONS") or {}
    values.update({variable: options.get(option) for option, variable in PG_OPTION_VARIABLES.items()})
    environment.update({key: str(value) for key, value in values.items() if value})
    return environment


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(
            f"Не найдена программа {name}: установите клиент PostgreSQL той же или более новой версии,"
            " что и сервер (в Debian — пакет postgresql-client)."
        )
    return path


def _run(command: list[str]) -> None:
    try:
        subprocess.run(command, check=True, env=_pg_environment(), capture_output=True, text=True)  # noqa: S603  # nosec B603 - PostgreSQL tool path + fixed options, no shell
    except subprocess.CalledProcessError as error:
        raise BackupError(f"{Path(command[0]).name} завершился с ошибкой:\n{error.stderr.strip()}") from error


def _postgresql_dump(database_file: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
    """pg_dump shares the snapshot of our transaction, so the counts describe the dump exactly."""
    pg_dump = _pg_tool("pg_dump")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        existing = set(connection.introspection.table_names(cursor))
        counts = _row_counts(cursor, _project_tables(with_pages=True) & existing)
        migrations = _applied_migrations(cursor)
        _run(
            [
                pg_dump,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={database_file}",
            ]
        )
    return counts, migrations


def _postgresql_load(database_file: Path) -> None:
    pg_restore = _pg_tool("pg_restore")
    connection.close()
    _run(
        [
            pg_restore,
            "--no-owner",
            "--no-privileges",
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            str(connection.settings_dict["NAME"]),
            str(database_file),
        ]
    )


def _media_files(media_root: Path) -> Iterable[Path]:
    """Regular files only: links could point anywhere and are not part of the site's media."""
    if not media_root.is_dir():
        return
    for directory, _dirs, files in os.walk(media_root):
        for name in files:
            path = Path(directory, name)
            if path.is_file() and not path.is_symlink():
                yield path


def _extract(archive: Path, workdir: Path) -> dict:
    """Check every member before extracting: no absolute paths, no `..`, no links, nothing foreign."""
    allowed = {MANIFEST, *DATABASE_FILES.values()}
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            for member in tar.getmembers():
                path = PurePosixPath(member.name)
                if member.name.startswith(("/", "\\")) or path.is_absolute() or ".." in path.parts:
                    raise BackupError(f"Архив отклонён: недопустимый путь «{member.name}».")
                if not (member.isfile() or member.isdir()):
                    raise BackupError(f"Архив отклонён: «{member.name}» — не обычный файл.")
                if member.name not in allowed and path.parts[0] != MEDIA_DIR:
                    raise BackupError(f"Архив отклонён: посторонний файл «{member.name}».")
            tar.extractall(workdir, filter="data")
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"Не удалось прочитать архив {archive}: {error}") from error
    try:
        return json.loads((workdir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError("В архиве нет описания manifest.json: это не резервная копия сайта СНТ.") from error


def _check_migrations_known(migrations: dict[str, list[str]]) -> None:
    """A backup of a newer site version would leave tables this code does not understand."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [f"{app}.{name}" for app in PROJECT_APPS for name in migrations.get(app, []) if (app, name) not in known]
    if unknown:
        raise BackupError(
            "Архив сделан более новой версией сайта (неизвестные миграции: " + ", ".join(unknown) + ")."
            " Обновите сайт и повторите восстановление."
        )


def _table_with_project_data() -> str:
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        for table in sorted(_project_tables(with_pages=False) & existing):
            cursor.execute(f'SELECT 1 FROM "{table}" LIMIT 1')  # noqa: S608  # nosec B608 - name from the app registry and introspection
            if cursor.fetchone():
                return table
    return ""


def _media_restore(source: Path) -> int:
    media_root = Path(settings.MEDIA_ROOT)
    copied = 0
    for path in _media_files(source):
        destination = media_root.joinpath(*path.relative_to(source).parts)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
        copied += 1
    return copied


def _pending_migrations() -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]
