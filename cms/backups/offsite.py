"""Backups that leave the machine, and how many are kept.

A backup on the site's own disk dies with that disk: when BACKUP_S3_URL is set, settings add the
named storage "backups" (django-storages' S3Storage) and every archive is sent there too. This
module talks to a Django Storage only; boto3 is that storage's business. The newest BACKUP_KEEP
archives are kept in the local folder and in the storage alike.
"""

import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages

from .archive import ARCHIVE_NAME, backup_create
from .errors import BackupError

BACKUP_STORAGE = "backups"
# S3 answers meaning "these credentials may not do this": the operator's key, secret or policy.
ACCESS_ERRORS = {"InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "InvalidToken", "ExpiredToken", "403"}
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class BackupOutcome:
    archive: Path
    removed: list[str] = field(default_factory=list)  # older local archives deleted by retention
    offsite: str = ""  # where the copy went (no credentials); empty without BACKUP_S3_URL
    offsite_removed: list[str] = field(default_factory=list)


def backup_run(*, target_dir: Path, keep: int) -> BackupOutcome:
    """Create an archive, keep the newest `keep` locally, and send it offsite when configured.

    A failed upload leaves the local archive in place and says where it is.
    """
    archive = backup_create(target_dir=target_dir)
    removed = prune_local(archive.parent, keep=keep)
    storage = offsite_storage()
    if storage is None:
        return BackupOutcome(archive=archive, removed=removed)
    try:
        name, offsite_removed = offsite_send(storage, archive, keep=keep)
    except BackupError as error:
        raise BackupError(f"Архив сохранён только здесь: {archive}. {error}") from error
    return BackupOutcome(
        archive=archive, removed=removed, offsite=f"{offsite_where(storage)}/{name}", offsite_removed=offsite_removed
    )


def archives_to_remove(names: Iterable[str], *, keep: int) -> list[str]:
    """All but the newest `keep` archives (the name carries the time); keep=0 keeps everything."""
    archives = sorted(name for name in names if ARCHIVE_NAME.fullmatch(name))
    return archives[:-keep] if keep > 0 else []


def prune_local(directory: Path, *, keep: int) -> list[str]:
    removed = archives_to_remove((path.name for path in directory.iterdir() if path.is_file()), keep=keep)
    for name in removed:
        (directory / name).unlink()
    return removed


def offsite_storage() -> Storage | None:
    return storages[BACKUP_STORAGE] if BACKUP_STORAGE in settings.STORAGES else None


def offsite_where(storage: Storage) -> str:
    """The storage as the operator knows it, without credentials: endpoint/bucket/folder."""
    parts = [getattr(storage, "endpoint_url", None) or "s3", getattr(storage, "bucket_name", None) or ""]
    parts.append(getattr(storage, "location", "") or "")
    return "/".join(part.strip("/") for part in parts if part)


def offsite_send(storage: Storage, archive: Path, *, keep: int) -> tuple[str, list[str]]:
    with _storage_errors(storage, "отправить архив"), archive.open("rb") as content:
        name = storage.save(archive.name, File(content, name=archive.name))
    removed = archives_to_remove(offsite_archives(storage), keep=keep)
    with _storage_errors(storage, "удалить старый архив"):
        for old in removed:
            storage.delete(old)
    return name, removed


def offsite_archives(storage: Storage) -> list[str]:
    """Archive names in the storage, oldest first."""
    with _storage_errors(storage, "получить список архивов"):
        _directories, files = storage.listdir("")
    return sorted(name for name in files if ARCHIVE_NAME.fullmatch(name))


def offsite_fetch(name: str | None, *, target_dir: Path) -> Path:
    """Download the named archive (or the newest) into target_dir, readable by its owner only."""
    storage = offsite_storage()
    if storage is None:
        raise BackupError("Хранилище резервных копий не настроено: задайте BACKUP_S3_URL.")
    archives = offsite_archives(storage)
    if not archives:
        raise BackupError(f"В хранилище {offsite_where(storage)} нет ни одной резервной копии.")
    name = name or archives[-1]
    if name not in archives:
        raise BackupError(
            f"В хранилище {offsite_where(storage)} нет архива «{name}». Список: manage.py restore --list."
        )
    destination = Path(target_dir) / name
    descriptor = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with (
        os.fdopen(descriptor, "wb") as local,
        _storage_errors(storage, "скачать архив"),
        storage.open(name, "rb") as remote,
    ):
        shutil.copyfileobj(remote, local, CHUNK)
    return destination


@contextmanager
def _storage_errors(storage: Storage, action: str) -> Iterator[None]:
    """Any failure of the storage becomes a BackupError in Russian, with no credential in it."""
    try:
        yield
    except BackupError:
        raise
    except Exception as error:
        code = str(getattr(error, "response", {}).get("Error", {}).get("Code", ""))
        where = offsite_where(storage)
        if code in ACCESS_ERRORS:
            message = (
                f"Хранилище резервных копий {where} отказало в доступе ({code}): не удалось {action}."
                " Проверьте ключ и секрет в BACKUP_S3_URL и права ключа на эту корзину."
            )
        elif code == "NoSuchBucket":
            message = f"В хранилище {where} нет такой корзины: создайте её или исправьте BACKUP_S3_URL."
        else:
            message = f"Не удалось {action} (хранилище {where}): {error}"
        raise BackupError(_without_credentials(message)) from None


def _without_credentials(text: str) -> str:
    options = settings.STORAGES.get(BACKUP_STORAGE, {}).get("OPTIONS", {})
    for secret in (options.get("secret_key"), options.get("access_key")):
        if secret:
            text = text.replace(secret, "***")
    return text
