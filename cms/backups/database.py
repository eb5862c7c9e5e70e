"""The database half of a backup: a consistent copy of SQLite or PostgreSQL, row counts from
the same snapshot, and the way back into an empty database.

libpq reads the connection from the environment, so nothing secret ever reaches a command line.
"""

import os
import re
import shutil
import sqlite3
import subprocess  # nosec B404 - only pg_dump/pg_restore, resolved by shutil.which, list args
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import connection, transaction

from .errors import BackupError

PROJECT_APPS = ("home", "billing", "members")
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
TABLE_NAME = re.compile(r"^[A-Za-z0-9_]+$")
PG_OPTION_VARIABLES = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
}


def database_engine() -> str:
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(f"Резервное копирование базы «{connection.vendor}» не поддерживается.")
    return connection.vendor


def database_dump(engine: str, database_file: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Row counts and applied migrations, both of the very snapshot written to database_file."""
    return sqlite_dump(database_file) if engine == "sqlite" else postgresql_dump(database_file)


def database_load(engine: str, database_file: Path) -> None:
    if engine == "sqlite":
        sqlite_load(database_file)
    else:
        postgresql_load(database_file)


def project_tables(*, with_pages: bool) -> set[str]:
    tables = set()
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model._meta.managed and not model._meta.proxy:
                tables.add(model._meta.db_table)
    if with_pages:
        tables.add(apps.get_model("wagtailcore", "Page")._meta.db_table)
    return tables


def row_counts(cursor: Any, tables: Iterable[str]) -> dict[str, int]:
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


def sqlite_dump(database_file: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Copy through SQLite's online backup API: a consistent image even while the site writes."""
    connection.ensure_connection()
    with closing(sqlite3.connect(database_file)) as copy:
        connection.connection.backup(copy)
        cursor = copy.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        existing = {row[0] for row in cursor.fetchall()}
        counts = row_counts(cursor, project_tables(with_pages=True) & existing)
        migrations = _applied_migrations(cursor)
    return counts, migrations


def sqlite_load(database_file: Path) -> None:
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


def postgresql_dump(database_file: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
    """pg_dump shares the snapshot of our transaction, so the counts describe the dump exactly."""
    pg_dump = _pg_tool("pg_dump")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        existing = set(connection.introspection.table_names(cursor))
        counts = row_counts(cursor, project_tables(with_pages=True) & existing)
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


def postgresql_load(database_file: Path) -> None:
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
