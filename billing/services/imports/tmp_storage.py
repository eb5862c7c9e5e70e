"""Uploads waiting between the preview and the treasurer's confirmation (as Wagtail's
contrib/redirects tmp_storages.py keeps its import files).

Files sit in ``settings.IMPORTS_PENDING_DIR``, outside MEDIA_ROOT so that no proxy serving
/media/ can hand them out, named by their sha256. The session keeps only that hash and the file
name; a read checks the hash again against the bytes, so no path ever comes from the browser.
"""

import hashlib
import re
import time
from pathlib import Path, PurePath

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MAX_AGE_SECONDS = 24 * 60 * 60
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_EXTENSIONS = (".csv", ".xlsx", ".txt")  # tables, and bank statements


def pending_dir() -> Path:
    """The folder, refused where a proxy serving /media/ could reach it."""
    folder = Path(settings.IMPORTS_PENDING_DIR).resolve()
    if folder.is_relative_to(Path(settings.MEDIA_ROOT).resolve()):
        raise ImproperlyConfigured("IMPORTS_PENDING_DIR must lie outside MEDIA_ROOT: files there can be served.")
    return folder


def pending_path(*, sha256: str, file_name: str) -> Path | None:
    """Where an uploaded file waits for confirmation; None for anything that is not ours."""
    extension = PurePath(file_name).suffix.lower()
    if not _SHA256.match(sha256) or extension not in _EXTENSIONS:
        return None
    return pending_dir() / f"{sha256}{extension}"


def pending_save(*, content: bytes, file_name: str) -> str:
    """Keep the upload until it is confirmed (or a day has passed); returns its sha256."""
    sha256 = hashlib.sha256(content).hexdigest()
    path = pending_path(sha256=sha256, file_name=file_name)
    if path is None:
        raise ValueError(f"Not an import file: {file_name!r}")
    folder = pending_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    cutoff = time.time() - MAX_AGE_SECONDS
    for stale in folder.iterdir():
        if stale.is_file() and stale.stat().st_mtime < cutoff:
            stale.unlink(missing_ok=True)
    path.write_bytes(content)
    return sha256


def pending_take(*, sha256: str, file_name: str) -> bytes | None:
    """The waiting upload, removed from the folder; None if it is gone or no longer matches its hash."""
    path = pending_path(sha256=sha256, file_name=file_name)
    if path is None or not path.is_file():
        return None
    content = path.read_bytes()
    path.unlink(missing_ok=True)
    if hashlib.sha256(content).hexdigest() != sha256:
        return None
    return content
