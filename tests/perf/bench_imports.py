"""Readings import of 20,000 rows (2,000 plots × 10 months), as XLSX and as a cp1251 CSV.

Floor, measured in the same run: tablib's parse of the file plus a bare bulk_create of the
same 20,000 readings. Targets: the full import (validate, preview, commit) into an empty
database ≤ 2× the floor; the re-import of the same file ≤ 1× (the hash recognises it);
the process's peak memory under 400 MB.
"""

import datetime
import io
import resource
import time

import pytest
import tablib
from openpyxl import Workbook

from billing.models import ImportBatch, Meter, Plot, Reading
from billing.services.imports import Kind, run_import

pytestmark = pytest.mark.django_db

PLOTS = 2_000
MONTHS = 10
ROUNDS = 3
HEADER = ["Участок", "Дата", "День", "Ночь"]


def _rows() -> list[tuple[int, datetime.date, int, int]]:
    dates = [datetime.date(2021, month, 1) for month in range(1, MONTHS + 1)]
    return [
        (number, taken_on, 1000 + number + 150 * month, 400 + number + 60 * month)
        for month, taken_on in enumerate(dates)
        for number in range(1, PLOTS + 1)
    ]


def _csv(rows) -> bytes:
    lines = [";".join(HEADER)]
    lines += [f"{number};{taken_on:%d.%m.%Y};{day};{night}" for number, taken_on, day, night in rows]
    return "\r\n".join(lines).encode("cp1251")


def _xlsx(rows) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Показания")
    sheet.append(HEADER)
    for number, taken_on, day, night in rows:
        sheet.append([number, datetime.datetime.combine(taken_on, datetime.time()), day, night])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _tablib_parse(fmt: str, content: bytes) -> tablib.Dataset:
    if fmt == "csv":
        return tablib.Dataset().load(content.decode("cp1251"), format="csv", delimiter=";")
    return tablib.Dataset().load(content, format="xlsx")


def _bare_bulk_create(meters: dict[int, int], rows) -> None:
    Reading.objects.bulk_create(
        Reading(meter_id=meters[number], taken_on=taken_on, day=day, night=night)
        for number, taken_on, day, night in rows
    )


def _empty() -> None:
    Reading.objects.all().delete()
    ImportBatch.objects.all().delete()


def _timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_readings_import_against_the_floor(fmt, targets):
    plots = Plot.objects.bulk_create(Plot(number=number, street="1", area=6) for number in range(1, PLOTS + 1))
    meters = {meter.plot_id: meter.pk for meter in Meter.objects.bulk_create(Meter(plot=plot) for plot in plots)}
    meters = {plot.number: meters[plot.pk] for plot in plots}
    rows = _rows()
    content = _csv(rows) if fmt == "csv" else _xlsx(rows)
    name = f"readings.{fmt}"
    # warm up the code paths (imports, caches) on a small file before timing anything
    small = _csv(rows[:10]) if fmt == "csv" else _xlsx(rows[:10])
    _tablib_parse(fmt, small)
    run_import(kind=Kind.READINGS, file_name=name, content=small, commit=False)

    reports = []

    def full_import():
        reports.append(run_import(kind=Kind.READINGS, file_name=name, content=content, commit=True))

    # rounds interleave the floor and the import, and the best of each counts, so a burst of
    # load from other processes does not land on one side only
    parse, insert, full = [], [], []
    for _ in range(ROUNDS):
        parse.append(_timed(lambda: _tablib_parse(fmt, content)))
        _empty()
        insert.append(_timed(lambda: _bare_bulk_create(meters, rows)))
        _empty()
        full.append(_timed(full_import))
    parse, insert, full = min(parse), min(insert), min(full)
    floor = parse + insert
    report = reports[-1]
    assert report.committed, [str(error) for error in report.errors[:5]]
    assert report.created == PLOTS * MONTHS == Reading.objects.count()

    again = min(_timed(full_import) for _ in range(ROUNDS))
    assert reports[-1].duplicate_of == report.batch
    assert Reading.objects.count() == PLOTS * MONTHS

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\n{fmt}: {len(content) / 1024:.0f} KB; floor {floor:.2f} s "
        f"(tablib {parse:.2f} s + bulk_create {insert:.2f} s); "
        f"full import {full:.2f} s; re-import {again * 1000:.1f} ms"
    )
    targets.check(f"{fmt}: full import / floor", full / floor, 2)
    targets.check(f"{fmt}: re-import of the same file / floor", again / floor, 1)
    targets.check(f"{fmt}: peak memory of the process", peak_mb, 400, " MB")
    targets.assert_met()
