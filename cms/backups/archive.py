"""Backups: the database and the media folder in one dated archive, and the way back.

The manifest's row counts are taken from the same snapshot as the dump (the SQLite copy
itself; for PostgreSQL a REPEATABLE READ transaction whose snapshot pg_dump shares), so a
restore can prove it brought back exactly what was saved.
"""

import json
import os
import re
import shutil
import tarfile
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import django
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from .database import (
    DATABASE_FILES,
    PROJECT_APPS,
    database_dump,
    database_engine,
    database_load,
    project_tables,
    row_counts,
)
from .errors import BackupError

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_DIR = "media"
ARCHIVE_PREFIX = "snt-backup-"
ARCHIVE_NAME = re.compile(r"^snt-backup-\d{8}-\d{6}\.tar\.gz$")


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
    engine = database_engine()
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
        counts, migrations = database_dump(engine, database_file)
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
    engine = database_engine()
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

        database_load(engine, database_file)
        media_files = _media_restore(workdir / MEDIA_DIR)

    expected = {str(table): int(count) for table, count in manifest.get("row_counts", {}).items()}
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        restored = row_counts(cursor, [table for table in expected if table in existing])
    return RestoreResult(
        engine=engine,
        created_at=str(manifest.get("created_at", "")),
        expected_counts=expected,
        restored_counts=restored,
        media_files=media_files,
        pending_migrations=_pending_migrations(),
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
        for table in sorted(project_tables(with_pages=False) & existing):
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
