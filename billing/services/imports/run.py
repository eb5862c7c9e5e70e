"""run_import: one entry point for the admin upload and the import_* commands."""

import hashlib
from datetime import date
from pathlib import Path

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from billing.models import ImportBatch
from billing.services.debts.accrual import penalties_recompute
from billing.services.locks import import_lock_take

from .base import Importer
from .registry import HEADERS, importer_for
from .report import ErrorList, ImportReport, Plan, RowError
from .tables import FileRejected, Table

Kind = ImportBatch.Kind

EXAMPLES_DIR = Path(__file__).resolve().parent.parent.parent / "demo_files" / "examples"


def run_import(
    *,
    kind: str,
    file_name: str,
    content: bytes,
    commit: bool,
    uploaded_by: AbstractBaseUser | None = None,
    as_of: date | None = None,
    acknowledged: bool = False,
) -> ImportReport:
    """Parse → validate every row → preview; with commit=True and no errors, write all rows
    atomically and record an ImportBatch. All or nothing: on any error nothing is written.
    The same content (kind + sha256) is recognised and changes nothing.

    A commit holds the imports' lock for its whole transaction and plans from the database as it
    is inside it, so two files confirmed at once are written one after the other and the second
    sees the first one's rows (unchanged, not written twice).

    A plan with warnings (a statement whose totals do not add up) commits only when the treasurer
    has acknowledged them; otherwise the report says so and nothing is written."""
    importer = importer_for(kind)
    sha256 = hashlib.sha256(content).hexdigest()
    report = ImportReport(kind=str(kind), file_name=file_name, sha256=sha256)
    report.duplicate_of = _already_imported(kind, sha256)
    if report.duplicate_of is not None:
        return report

    try:
        table = importer.read(file_name=file_name, content=content)
    except FileRejected as rejected:
        _set_errors(report, rejected.errors)
        return report
    if not commit:
        _plan(report, importer=importer, table=table, as_of=as_of)
        return report

    return _commit(
        report,
        kind=kind,
        importer=importer,
        table=table,
        as_of=as_of,
        uploaded_by=uploaded_by,
        acknowledged=acknowledged,
    )


def _commit(
    report: ImportReport,
    *,
    kind: str,
    importer: type[Importer],
    table: Table,
    as_of: date | None,
    uploaded_by: AbstractBaseUser | None,
    acknowledged: bool = False,
) -> ImportReport:
    """Under the imports' lock: the hash checked again, the plan made again from the database as
    it is now, and, without a single error, the ImportBatch and every row written together."""
    try:
        with transaction.atomic():
            import_lock_take()
            report.duplicate_of = _already_imported(kind, report.sha256)
            if report.duplicate_of is not None:
                return report
            plan = _plan(report, importer=importer, table=table, as_of=as_of)
            if report.errors:
                return report
            if report.warnings and not acknowledged:
                report.needs_acknowledgement = True
                return report
            batch = ImportBatch.objects.create(
                kind=kind,
                file_name=report.file_name[:255],
                sha256=report.sha256,
                uploaded_by=uploaded_by,
                as_of=plan.as_of,
                rows_total=len(report.rows),
                rows_created=report.created,
                rows_updated=report.updated,
                rows_unchanged=report.unchanged,
            )
            plan.write(batch)
            penalties_recompute()  # a payment dated back, or a changed charge, changes the penalties already accrued
    except IntegrityError:
        # Rows changed under us in a way the lock does not cover (a hand edit in the admin).
        report.duplicate_of = _already_imported(kind, report.sha256)
        if report.duplicate_of is None:
            _set_errors(report, [RowError(None, None, "Данные изменились во время загрузки. Загрузите файл ещё раз.")])
        return report
    report.batch = batch
    report.committed = True
    return report


def _plan(report: ImportReport, *, importer: type[Importer], table: Table, as_of: date | None) -> Plan:
    plan = importer(table=table, as_of=as_of, today=timezone.localdate()).plan()
    report.rows, report.as_of, report.notices, report.warnings = plan.rows, plan.as_of, plan.notices, plan.warnings
    if table.ignored:
        columns = ", ".join(f"«{name}»" for name in table.ignored)
        report.notices.insert(0, f"Эти столбцы не загружаются: {columns}.")
    _set_errors(report, plan.errors)
    return plan


def _set_errors(report: ImportReport, errors: list[RowError]) -> None:
    """At most IMPORT_MAX_ERRORS errors in row order, then one line saying how many more."""
    if not isinstance(errors, ErrorList):
        errors = ErrorList(errors)
    report.errors = errors.with_summary(key=lambda error: error.row or 0)
    report.errors_total = errors.total


def _already_imported(kind: str, sha256: str) -> ImportBatch | None:
    return ImportBatch.objects.select_related("uploaded_by").filter(kind=kind, sha256=sha256).first()


def example_file(kind: str, fmt: str) -> tuple[str, bytes]:
    """A sample file for the admin's download links: ("readings.xlsx", bytes)."""
    if kind not in HEADERS or fmt not in importer_for(kind).extensions:
        raise ValueError(f"No example for {kind!r} in {fmt!r}")
    name = f"{kind}.{fmt}"
    return name, (EXAMPLES_DIR / name).read_bytes()
