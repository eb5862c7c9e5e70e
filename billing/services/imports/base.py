"""The importer framework: one class per kind of file, run step by step by run_import.

A kind (plots, readings, charges, payments …) is a subclass of ``Importer`` that declares its
columns and a row dataclass and implements four steps, each seeing whole rows, never tuples:

- ``parse(reader)``: one file row into a row object; cell errors go through the reader;
- ``resolve(rows)``: look the rows up in the database (plots, meters, articles), record per-row
  errors with ``self.error`` and return the rows that resolved;
- ``diff(row)``: compare one resolved row with what is stored, remember what to write, return
  the preview line (new / changed / unchanged);
- ``write(batch)``: write what ``diff`` remembered, in a fixed number of queries.

The framework (``Importer.plan`` and run.py) owns the rest: reading the file, the preview,
all-or-nothing, the sha256 idempotency, the import lock and the error cap.

A kind whose file is not a table (the bank statement) overrides ``read`` and ``parse_rows``;
``warnings`` it records (totals that do not add up) must be acknowledged before a commit.
"""

from dataclasses import dataclass
from datetime import date
from typing import ClassVar, Generic, TypeVar

from django.db import models

from billing.models import ImportBatch

from .report import ErrorList, Plan, PreviewRow, RowError
from .tables import MAX_UPLOAD_BYTES, Table, read_table
from .values import RowReader

RowT = TypeVar("RowT")


@dataclass
class FileRow:
    """The row number as the treasurer sees it; every kind's row dataclass extends it."""

    row: int


class Importer(Generic[RowT]):
    """One kind of import file. Subclasses set the class attributes and the four steps."""

    kind: ClassVar[str]
    label: ClassVar[str]
    required: ClassVar[list[str]]
    optional: ClassVar[list[str]] = []
    model: ClassVar[type[models.Model]]  # what the rows become: the admin lists it
    # False: a single bad cell stops the plan before the database is read (the plots registry)
    resolve_despite_cell_errors: ClassVar[bool] = True
    # The upload: the file types it takes (an example file of each is offered), its size limit,
    # its description, and whether the treasurer gives «данные на дату».
    extensions: ClassVar[tuple[str, ...]] = ("csv", "xlsx")
    max_bytes: ClassVar[int] = MAX_UPLOAD_BYTES
    file_help: ClassVar[str] = "CSV или XLSX"
    takes_date: ClassVar[bool] = False

    def __init__(self, *, table: Table, as_of: date | None, today: date):
        self.table = table
        self.given_as_of = as_of
        self.today = today
        self.errors = ErrorList()
        self.notices: list[str] = []
        self.warnings: list[str] = []  # the treasurer acknowledges them before confirming

    @classmethod
    def read(cls, *, file_name: str, content: bytes) -> Table:
        """The file's rows; FileRejected when the file as a whole is unreadable."""
        return read_table(
            file_name=file_name, content=content, required=list(cls.required), optional=list(cls.optional)
        )

    def has(self, column: str) -> bool:
        """Whether the file has this (optional) column."""
        return column in self.table.columns

    def error(self, row: int, column: str | None, message: str) -> None:
        self.errors.append(RowError(row, column, message))

    @staticmethod
    def earlier_row(seen: dict, key: object, row: int) -> int | None:
        """The row that named `key` before `row` (a repeat within the file), else None; the
        first row naming a key is remembered in `seen`."""
        earlier = seen.setdefault(key, row)
        return None if earlier == row else earlier

    def parse(self, reader: RowReader) -> RowT:
        raise NotImplementedError

    def resolve(self, rows: list[RowT]) -> list[RowT]:
        return rows

    def diff(self, row: RowT) -> PreviewRow:
        raise NotImplementedError

    def write(self, batch: ImportBatch) -> None:
        raise NotImplementedError

    def batch_date(self, *, parsed: list[RowT], resolved: list[RowT]) -> date | None:
        """«Данные на»: the date given by the treasurer unless a kind reads it from the rows."""
        return self.given_as_of

    def plan(self) -> Plan:
        """parse → resolve → diff over the whole file; the plan writes only if it has no errors."""
        parsed = self.parse_rows()
        resolved: list[RowT] = []
        if parsed and (self.resolve_despite_cell_errors or not self.errors):
            resolved = self.resolve(parsed)
        preview = [self.diff(row) for row in resolved]
        as_of = self.batch_date(parsed=parsed, resolved=resolved)
        return Plan(
            rows=preview,
            errors=self.errors,
            as_of=as_of,
            notices=self.notices,
            warnings=self.warnings,
            write=self.write,
        )

    def parse_rows(self) -> list[RowT]:
        """Every row of the table through ``parse``; the rows that parsed without an error."""
        dates: dict[str, date | None] = {}  # the same date text is parsed once per file
        parsed = []
        for row, cells in self.table.rows:
            reader = RowReader(row=row, cells=cells, errors=self.errors, today=self.today, dates=dates)
            item = self.parse(reader)
            if not reader.failed:
                parsed.append(item)
        return parsed
