"""Backups: the database and the media folder in one dated archive, sent offsite, and the way back.

`archive` writes and reads the archive, `database` copies SQLite or PostgreSQL, `offsite` sends
archives to the "backups" storage and keeps the newest, `serving` stops a restore while the site serves.
"""

from .archive import ARCHIVE_NAME, RestoreResult, backup_create, backup_restore
from .errors import BackupError
from .offsite import BackupOutcome, backup_run, offsite_archives, offsite_fetch, offsite_storage, offsite_where
from .serving import hold_serving_lock, site_stopped

__all__ = [
    "ARCHIVE_NAME",
    "BackupError",
    "BackupOutcome",
    "RestoreResult",
    "backup_create",
    "backup_restore",
    "backup_run",
    "hold_serving_lock",
    "offsite_archives",
    "offsite_fetch",
    "offsite_storage",
    "offsite_where",
    "site_stopped",
]
