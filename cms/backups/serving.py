"""The serving marker: a restore refuses to run while the site serves from the same database.

Every process that loads the WSGI application (each gunicorn worker, `runserver`) holds a shared
`flock` on one file per database for as long as it lives; `restore` asks for the same lock
exclusively, without waiting. The kernel drops a lock when its process ends, however it ends, so
the marker is never left stale. A web process started during a restore waits for it to finish.
The lock is seen by processes that share the file: with web machines of their own, point
SERVING_LOCK_DIR at a folder on the disk they share (NFSv4 passes flock between machines).
"""

import fcntl
import hashlib
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

from .errors import BackupError

logger = logging.getLogger(__name__)
_held: list[int] = []  # descriptors the serving process keeps open for its whole life


def serving_lock_path() -> Path:
    """One file per database (engine, host, port, name), so restoring into a scratch database
    to check a backup is not refused by the site that serves the real one."""
    database = connection.settings_dict
    identity = "|".join(str(database.get(key) or "") for key in ("ENGINE", "HOST", "PORT", "NAME"))
    digest = hashlib.sha256(identity.encode()).hexdigest()[:16]
    return Path(settings.SERVING_LOCK_DIR) / f"serving-{digest}.lock"


def _open(path: Path) -> int:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    return os.open(path, os.O_RDWR | os.O_CREAT, 0o600)


def hold_serving_lock() -> Path | None:
    """Mark this process as serving until it exits; called once by cms.wsgi.

    A folder that cannot hold the lock must not take the site down: it is logged, and the site serves.
    """
    path = serving_lock_path()
    try:
        descriptor = _open(path)
        fcntl.flock(descriptor, fcntl.LOCK_SH)  # waits only while a restore holds it
    except OSError as error:
        logger.error("Отметка работы сайта не поставлена (%s): restore не увидит этот процесс. %s", path, error)
        return None
    _held.append(descriptor)
    return path


@contextmanager
def site_stopped(*, force: bool = False) -> Iterator[None]:
    """Hold the database's lock exclusively for the restore, or refuse while anything serves it.

    force=True goes on without it: the operator has made sure the site is stopped (the lock could
    not be checked, or is held by a process that does not serve this database).
    """
    path = serving_lock_path()
    try:
        descriptor = _open(path)
    except OSError as error:
        if not force:
            raise BackupError(_unknown_message(path, error)) from None
        yield
        return
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not force:
                raise BackupError(_serving_message(path, descriptor)) from None
        except OSError as error:
            if not force:
                raise BackupError(_unknown_message(path, error)) from None
        yield
    finally:
        os.close(descriptor)


def _serving_message(path: Path, descriptor: int) -> str:
    holders = _lock_holders(descriptor)
    who = f" (процессы {', '.join(holders)})" if holders else ""
    return (
        f"Сайт сейчас работает с этой базой данных{who}: восстановление остановлено, ничего не изменено."
        " Остановите веб-сервер — gunicorn (процесс web из Procfile) или manage.py runserver —"
        " и обработчик задач manage.py qcluster, затем повторите."
        f" Отметка работы сайта: {path}."
    )


def _unknown_message(path: Path, error: OSError) -> str:
    return (
        f"Не удалось проверить, работает ли сайт ({path}: {error.strerror or error})."
        " Если веб-сервер и обработчик задач точно остановлены, повторите с --force."
    )


def _lock_holders(descriptor: int) -> list[str]:
    """Process ids holding a lock on the file, from Linux's /proc/locks; empty elsewhere."""
    status = os.fstat(descriptor)
    file_id = f"{os.major(status.st_dev):02x}:{os.minor(status.st_dev):02x}:{status.st_ino}"
    try:
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return []
    holders = []
    for line in lines:
        fields = line.split()
        if len(fields) > 5 and fields[1] == "FLOCK" and fields[5] == file_id:
            holders.append(fields[4])
    return sorted(set(holders), key=int)
