"""The imports' lock: every write that plans from the ledger (imports, statements, accruals) takes it
first in its transaction, so they run one at a time and each sees what the previous one wrote."""

from django.utils import timezone

from billing.models import ImportLock


def import_lock_take() -> None:
    """Serialise every import (of any kind: plots feed readings and payments) until the caller's
    transaction ends. One upsert of the lock row takes PostgreSQL's row lock, and SQLite's database
    write lock even where transactions are not begun IMMEDIATE; nothing may be read before it."""
    lock = ImportLock(name=ImportLock.IMPORTS, taken_at=timezone.now())
    ImportLock.objects.bulk_create([lock], update_conflicts=True, unique_fields=["name"], update_fields=["taken_at"])
