"""run_import: one entry point for the admin upload and the import_* commands."""

import hashlib
from datetime import date
from pathlib import Path

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from billing.models import ImportBatch

from . import ledger, plots, readings
from .report import ImportReport, RowError
from .tables import FileRejected, read_table

Kind = ImportBatch.Kind

HEADERS: dict[str, tuple[list[str], list[str]]] = {
    Kind.PLOTS: (plots.REQUIRED, plots.OPTIONAL),
    Kind.READINGS: (readings.REQUIRED, readings.OPTIONAL),
    Kind.CHARGES: (ledger.CHARGES_REQUIRED, ledger.CHARGES_OPTIONAL),
    Kind.PAYMENTS: (ledger.PAYMENTS_REQUIRED, ledger.PAYMENTS_OPTIONAL),
}

_PLANNERS = {
    Kind.PLOTS: plots.plan_plots,
    Kind.READINGS: readings.plan_readings,
    Kind.CHARGES: ledger.plan_charges,
    Kind.PAYMENTS: ledger.plan_payments,
}

EXAMPLES_DIR = Path(__file__).resolve().parent.parent.parent / "demo_files" / "examples"


def run_import(
    *,
    kind: str,
    file_name: str,
    content: bytes,
    commit: bool,
    uploaded_by: AbstractBaseUser | None = None,
    as_of: date | None = None,
) -> ImportReport:
    """Parse → validate every row → preview; with commit=True and no errors, write all rows
    atomically and record an ImportBatch. All or nothing: on any error nothing is written.
    The same content (kind + sha256) is recognised and changes nothing."""
    if kind not in _PLANNERS:
        raise ValueError(f"Unknown import kind: {kind!r}")
    sha256 = hashlib.sha256(content).hexdigest()
    report = ImportReport(kind=str(kind), file_name=file_name, sha256=sha256)
    report.duplicate_of = _already_imported(kind, sha256)
    if report.duplicate_of is not None:
        return report

    required, optional = HEADERS[kind]
    try:
        table = read_table(file_name=file_name, content=content, required=required, optional=optional)
    except FileRejected as rejected:
        report.errors = rejected.errors
        return report
    plan = _PLANNERS[kind](table=table, as_of=as_of, today=timezone.localdate())
    report.rows, report.as_of, report.notices = plan.rows, plan.as_of, plan.notices
    if table.ignored:
        columns = ", ".join(f"«{name}»" for name in table.ignored)
        report.notices.insert(0, f"Эти столбцы не загружаются: {columns}.")
    report.errors = sorted(plan.errors, key=lambda error: error.row or 0)
    if not commit or report.errors:
        return report

    try:
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                kind=kind,
                file_name=file_name[:255],
                sha256=sha256,
                uploaded_by=uploaded_by,
                as_of=plan.as_of,
                rows_total=len(report.rows),
                rows_created=report.created,
                rows_updated=report.updated,
                rows_unchanged=report.unchanged,
            )
            plan.write(batch)
    except IntegrityError:
        # Another upload of the same file won the race, or the rows changed under us.
        report.duplicate_of = _already_imported(kind, sha256)
        if report.duplicate_of is None:
            report.errors = [RowError(None, None, "Данные изменились во время загрузки. Загрузите файл ещё раз.")]
        return report
    report.batch = batch
    report.committed = True
    return report


def _already_imported(kind: str, sha256: str) -> ImportBatch | None:
    return ImportBatch.objects.select_related("uploaded_by").filter(kind=kind, sha256=sha256).first()


def example_file(kind: str, fmt: str) -> tuple[str, bytes]:
    """A sample file for the admin's download links: ("readings.xlsx", bytes)."""
    if kind not in HEADERS or fmt not in ("csv", "xlsx"):
        raise ValueError(f"No example for {kind!r} in {fmt!r}")
    name = f"{kind}.{fmt}"
    return name, (EXAMPLES_DIR / name).read_bytes()
