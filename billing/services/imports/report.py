"""What an import tells the treasurer: the errors, the preview rows, the counts."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from billing.models import ImportBatch

NEW = "new"
CHANGED = "changed"
UNCHANGED = "unchanged"

MESSAGE_MAX_LENGTH = 300
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
        message = self.message
        if len(message) > MESSAGE_MAX_LENGTH:  # a message quotes the cell, and a cell may be huge
            message = message[: MESSAGE_MAX_LENGTH - 1] + "…"
        return f"{prefix}: {message}" if prefix else message


class ErrorList(list):
    """Row errors, collected up to ``settings.IMPORT_MAX_ERRORS``; the rest are only counted, so a
    file of a million bad rows costs neither memory nor a preview of megabytes."""

    def __init__(self, errors=(), *, limit: int | None = None):
        super().__init__()
        self.limit = settings.IMPORT_MAX_ERRORS if limit is None else limit
        self.omitted = 0
        self.extend(errors)

    def append(self, error: RowError) -> None:
        if len(self) < self.limit:
            super().append(error)
        else:
            self.omitted += 1

    def extend(self, errors) -> None:
        for error in errors:
            self.append(error)

    @property
    def total(self) -> int:
        return len(self) + self.omitted

    def with_summary(self, *, key=None) -> list[RowError]:
        """The errors kept (sorted by ``key`` if given), then «…и ещё N ошибок» for the rest."""
        kept = sorted(self, key=key) if key else list(self)
        if self.omitted:
            kept.append(RowError(None, None, f"…и ещё {self.omitted} {errors_word(self.omitted)}."))
        return kept


def errors_word(count: int) -> str:
    """ошибка / ошибки / ошибок, as Russian agrees a noun with a number."""
    if count % 10 == 1 and count % 100 != 11:
        return "ошибка"
    if count % 10 in (2, 3, 4) and count % 100 not in (12, 13, 14):
        return "ошибки"
    return "ошибок"


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
    errors_total: int = 0
    duplicate_of: ImportBatch | None = None
    batch: ImportBatch | None = None
    committed: bool = False
    as_of: date | None = None
    notices: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # to acknowledge before confirming
    needs_acknowledgement: bool = False  # a commit was asked without acknowledging the warnings

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
    errors: ErrorList = field(default_factory=ErrorList)
    as_of: date | None = None
    notices: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    write: Callable[[ImportBatch], None] = lambda batch: None


def changed_value(new: str, old: str) -> str:
    """A preview cell: the new value, and the old one when it differs."""
    return new if new == old else f"{new} (было {old})"
