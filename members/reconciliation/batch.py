"""The board's «акты для всех»: a batch row, a django-q2 task that makes each plot's акт into one ZIP
and counts its progress on the row, and the archive kept outside MEDIA_ROOT (the treasurer gets it
through a view that checks the permission, never from the public /media/)."""

import contextlib
import datetime
import logging
import os
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django_q.tasks import async_task

from billing.services.debts.reconciliation import Period, PlotHeading, load_reconciliation, plot_headings
from members.partnership import partnership_settings
from members.reconciliation.documents import act_document, act_file_name, act_pdf
from members.reconciliation.models import ReconciliationBatch

logger = logging.getLogger(__name__)
TASK = "members.tasks.make_reconciliation_batch"
CHUNK = 25  # акты per task: a few seconds each, well inside Q_CLUSTER's timeout


class UnknownPlots(ValueError):
    """Numbers that are not plots of the registry; the message is for the treasurer."""


def archive_dir() -> Path:
    """RECONCILIATION_ARCHIVE_DIR; refused inside MEDIA_ROOT, which a proxy may serve."""
    folder = Path(settings.RECONCILIATION_ARCHIVE_DIR).resolve()
    if folder.is_relative_to(Path(settings.MEDIA_ROOT).resolve()):
        raise ImproperlyConfigured("RECONCILIATION_ARCHIVE_DIR must lie outside MEDIA_ROOT: it can be served.")
    return folder


def archive_path(batch: ReconciliationBatch) -> Path | None:
    """The finished ZIP of the batch, or None."""
    if batch.status != ReconciliationBatch.Status.DONE or not batch.file_name:
        return None
    path = archive_dir() / batch.file_name
    return path if path.is_file() else None


def plots_with_records() -> list[int]:
    """Every plot with a charge, a payment or a reading: the batch's «all plots»."""
    return [plot.number for plot in plot_headings() if plot.first_day is not None]


@transaction.atomic
def reconciliation_batch_start(
    *,
    numbers: Sequence[int],
    start: datetime.date | None,
    end: datetime.date,
    user: AbstractBaseUser | None,
    base_url: str,
) -> ReconciliationBatch:
    """Queue the акты of `numbers` (empty: every plot with records) for [start, end]; the task runs
    after the commit. Raises UnknownPlots for numbers that are not in the registry."""
    if numbers:
        known = {plot.number for plot in plot_headings(numbers=numbers)}
        unknown = [n for n in numbers if n not in known]
        if unknown:
            raise UnknownPlots(f"Таких участков нет в реестре: {', '.join(map(str, unknown))}.")
        chosen = sorted(numbers)
    else:
        chosen = plots_with_records()
    batch = ReconciliationBatch.objects.create(
        created_by=user if user is not None and user.is_authenticated else None,
        plot_numbers=chosen,
        start=start,
        end=end,
        total=len(chosen),
    )
    transaction.on_commit(lambda: async_task(TASK, batch.pk, base_url))
    return batch


def _period(plot: PlotHeading, start: datetime.date | None, end: datetime.date) -> Period | None:
    """From `start` but never before the plot's first record; None when it has none by `end`."""
    if plot.first_day is None or plot.first_day > end:
        return None
    return Period(max(start or plot.first_day, plot.first_day), end)


def reconciliation_batch_run(*, batch_id: int, base_url: str) -> ReconciliationBatch:
    """Make the batch's next CHUNK акты into its archive, counting `done` on the row, and queue the rest
    as a new task: no task outlives the cluster's timeout, whatever the number of plots. A task the
    broker delivers again (a worker killed mid-way) goes on from `done`; a failure is kept on the row."""
    batch = ReconciliationBatch.objects.get(pk=batch_id)
    if batch.finished:
        return batch
    rows = ReconciliationBatch.objects.filter(pk=batch.pk)
    rows.update(status=ReconciliationBatch.Status.RUNNING)
    name = f"akty-sverki-{batch.pk}-{batch.end:%Y-%m-%d}.zip"
    first, partial = batch.done, None
    numbers = batch.plot_numbers[first : first + CHUNK]
    try:
        folder = archive_dir()
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f"{name}.part"
        if first == 0:
            partial.unlink(missing_ok=True)
        skipped = _append(batch, partial, numbers, base_url=base_url, progress=lambda n: rows.update(done=first + n))
        skipped = [*batch.skipped, *(n for n in skipped if n not in batch.skipped)]
        if first + len(numbers) < batch.total:
            rows.update(done=first + len(numbers), skipped=skipped)
            async_task(TASK, batch.pk, base_url)
        else:
            os.replace(partial, folder / name)
            rows.update(
                status=ReconciliationBatch.Status.DONE,
                done=batch.total,
                skipped=skipped,
                file_name=name,
                finished_at=timezone.now(),
            )
    except Exception as error:
        rows.update(status=ReconciliationBatch.Status.FAILED, error=str(error)[:255], finished_at=timezone.now())
        logger.exception("reconciliation batch %s failed", batch.pk)
        if partial is not None:
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)
        raise
    batch.refresh_from_db()
    return batch


def _append(
    batch: ReconciliationBatch, path: Path, numbers: list[int], *, base_url: str, progress: Callable[[int], object]
) -> list[int]:
    """The акты of `numbers` added to the ZIP at `path` (one already there is not made again); returns
    the plots without records for the period."""
    partnership = partnership_settings(None)
    made_on = timezone.localdate()
    skipped = []
    headings = {plot.number: plot for plot in plot_headings(numbers=numbers)}
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        present = set(archive.namelist())
        for done, number in enumerate(numbers, start=1):
            plot = headings.get(number)
            period = _period(plot, batch.start, batch.end) if plot is not None else None
            if period is None:
                skipped.append(number)
            elif (file_name := act_file_name(number, period)) not in present:
                reconciliation = load_reconciliation(plot=plot, period=period)
                document = act_document(reconciliation, partnership=partnership, base_url=base_url, made_on=made_on)
                archive.writestr(file_name, act_pdf(document, base_url=base_url))
            progress(done)
    return skipped
