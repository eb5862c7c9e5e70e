"""What an import tells the treasurer: the errors, the preview rows, the counts."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import timezone

from billing.models import ImportBatch

NEW = "new"
CHANGED = "changed"
UNCHANGED = "unchanged"

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class RowError:
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        parts = []
        if self.row is not None:
            parts.append(f"Строка {self.row}")
        if self.column:
            parts.append(f"«{self.column}»")
        prefix = ", ".join(parts)
        return f"{prefix}: {self.message}" if prefix else self.message


@dataclass(frozen=True)
class PreviewRow:
    row: int
    status: str
    values: dict[str, str]


@dataclass
class ImportReport:
    kind: str
    file_name: str
    sha256: str
    rows: list[PreviewRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    duplicate_of: ImportBatch | None = None
    batch: ImportBatch | None = None
    committed: bool = False
    as_of: date | None = None
    notices: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def _count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def created(self) -> int:
        return self._count(NEW)

    @property
    def updated(self) -> int:
        return self._count(CHANGED)

    @property
    def unchanged(self) -> int:
        return self._count(UNCHANGED)

    @property
    def summary(self) -> str:
        """One Russian line for messages and the command's output."""
        if self.duplicate_of is not None:
            return duplicate_message(self.duplicate_of)
        return f"новых: {self.created}, изменённых: {self.updated}, без изменений: {self.unchanged}"


def duplicate_message(batch: ImportBatch) -> str:
    when = timezone.localtime(batch.created_at)
    who = f", загрузил {batch.uploaded_by}" if batch.uploaded_by_id else ""
    return (
        f"Этот файл уже загружен {when:%d.%m.%Y} в {when:%H:%M} ({batch.file_name}{who}). "
        "Повторная загрузка ничего не изменит."
    )


def csv_safe(value: object) -> str:
    """Text for an exported cell that a spreadsheet will not run as a formula."""
    if isinstance(value, int | float | Decimal):
        return str(value)
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


@dataclass
class Plan:
    """A validated file: what the preview shows and how to write it once confirmed."""

    rows: list[PreviewRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    as_of: date | None = None
    notices: list[str] = field(default_factory=list)
    write: Callable[[ImportBatch], None] = lambda batch: None


def changed_value(new: str, old: str) -> str:
    """A preview cell: the new value, and the old one when it differs."""
    return new if new == old else f"{new} (было {old})"
