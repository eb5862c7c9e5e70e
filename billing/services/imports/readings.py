"""Meter readings: «Участок, Дата, День, Ночь[, Счетчик]», keyed by meter + date."""

from collections import defaultdict
from datetime import date
from itertools import pairwise

from django.db.models import F, Window
from django.db.models.functions import RowNumber

from billing.models import ImportBatch, Meter, Plot, Reading

from .report import CHANGED, NEW, UNCHANGED, Plan, PreviewRow, RowError, changed_value
from .tables import Table
from .values import RowReader, format_date

REQUIRED = ["Участок", "Дата", "День", "Ночь"]
OPTIONAL = ["Счетчик"]

MeterRef = tuple[int, str]  # meter id, kind


def _meters(numbers: set[int]) -> tuple[dict[int, int], dict[int, MeterRef], dict[tuple[int, str], MeterRef]]:
    """Plot ids by number, each plot's current meter and meters by serial, in two queries."""
    plot_ids = dict(Plot.objects.filter(number__in=numbers).values_list("number", "id"))
    current: dict[int, MeterRef] = {}
    by_serial: dict[tuple[int, str], MeterRef] = {}
    meters = (
        Meter.objects.filter(plot__number__in=numbers)
        .order_by(F("installed_on").asc(nulls_first=True), "pk")
        .values_list("id", "plot_id", "kind", "serial", "removed_on")
    )
    for meter_id, plot_id, kind, serial, removed_on in meters:
        if removed_on is None:
            current[plot_id] = (meter_id, kind)
        if serial:
            by_serial[(plot_id, serial.strip().lower())] = (meter_id, kind)
    return plot_ids, current, by_serial


def _existing(meter_ids: set[int], first_date: date) -> list[tuple[int, int, date, int, int]]:
    """Readings on or after the file's first date, plus each meter's last one before it."""
    columns = ("id", "meter_id", "taken_on", "day", "night")
    recent = Reading.objects.filter(meter_id__in=meter_ids, taken_on__gte=first_date).values_list(*columns)
    previous = (
        Reading.objects.filter(meter_id__in=meter_ids, taken_on__lt=first_date)
        .annotate(rank=Window(RowNumber(), partition_by=[F("meter_id")], order_by=F("taken_on").desc()))
        .filter(rank=1)
        .values_list(*columns)
    )
    return [*previous, *recent]


def plan_readings(*, table: Table, as_of: date | None, today: date) -> Plan:
    plan = Plan()
    errors = plan.errors
    has_serial = "Счетчик" in table.columns
    dates: dict[str, date | None] = {}
    parsed = []
    for row, cells in table.rows:
        reader = RowReader(row=row, cells=cells, errors=errors, today=today, dates=dates)
        number = reader.plot_number()
        taken_on = reader.date("Дата")
        day = reader.integer("День")
        night = reader.integer("Ночь", required=False)
        serial = reader.text("Счетчик") if has_serial else ""
        if not reader.failed:
            parsed.append((row, number, taken_on, day, night, serial))
    if not parsed:
        return plan

    plot_ids, current, by_serial = _meters({item[1] for item in parsed})
    resolved = []
    seen: dict[tuple[int, date], int] = {}
    for row, number, taken_on, day, night, serial in parsed:
        plot_id = plot_ids.get(number)
        if plot_id is None:
            errors.append(RowError(row, "Участок", f"участка {number} нет в реестре."))
            continue
        if serial:
            meter = by_serial.get((plot_id, serial.lower()))
            if meter is None:
                errors.append(RowError(row, "Счетчик", f"у участка {number} нет счётчика с номером «{serial}»."))
                continue
        else:
            meter = current.get(plot_id)
            if meter is None:
                errors.append(
                    RowError(row, "Участок", f"у участка {number} нет счётчика; сначала загрузите реестр участков.")
                )
                continue
        meter_id, kind = meter
        if kind == Meter.Kind.TWO_ZONE and night is None:
            errors.append(RowError(row, "Ночь", "у двухтарифного счётчика нужно показание «Ночь»."))
            continue
        if kind == Meter.Kind.SINGLE and night:
            errors.append(RowError(row, "Ночь", "у однотарифного счётчика нет ночной зоны: оставьте ячейку пустой."))
            continue
        key = (meter_id, taken_on)
        if key in seen:
            errors.append(
                RowError(
                    row,
                    "Дата",
                    f"повтор: показание счётчика участка {number} на {format_date(taken_on)} "
                    f"уже есть в строке {seen[key]}.",
                )
            )
            continue
        seen[key] = row
        resolved.append((row, number, meter_id, taken_on, day, night or 0, serial))
    if not resolved:
        return plan

    existing: dict[tuple[int, date], tuple[int, int, int]] = {}
    timeline: dict[int, dict[date, tuple[int, int, int | None]]] = defaultdict(dict)
    first_date = min(item[3] for item in resolved)
    for reading_id, meter_id, taken_on, day, night in _existing({item[2] for item in resolved}, first_date):
        existing[(meter_id, taken_on)] = (reading_id, day, night)
        timeline[meter_id][taken_on] = (day, night, None)
    for row, _, meter_id, taken_on, day, night, _ in resolved:
        timeline[meter_id][taken_on] = (day, night, row)
    _check_order(timeline, errors)

    to_create, to_update = [], []
    shown_dates = {taken_on: format_date(taken_on) for taken_on in {item[3] for item in resolved}}
    for row, number, meter_id, taken_on, day, night, serial in resolved:
        values = {"Участок": str(number), "Дата": shown_dates[taken_on], "День": str(day), "Ночь": str(night)}
        if has_serial:
            values["Счетчик"] = serial
        old = existing.get((meter_id, taken_on))
        if old is None:
            status = NEW
            to_create.append((meter_id, taken_on, day, night))
        elif (old[1], old[2]) == (day, night):
            status = UNCHANGED
        else:
            status = CHANGED
            values["День"] = changed_value(str(day), str(old[1]))
            values["Ночь"] = changed_value(str(night), str(old[2]))
            to_update.append((old[0], day, night))
        plan.rows.append(PreviewRow(row=row, status=status, values=values))
    plan.as_of = as_of or max(item[3] for item in resolved)

    def write(batch: ImportBatch) -> None:
        Reading.objects.bulk_create(
            Reading(meter_id=meter_id, taken_on=taken_on, day=day, night=night, batch=batch)
            for meter_id, taken_on, day, night in to_create
        )
        Reading.objects.bulk_update(
            [Reading(pk=pk, day=day, night=night, batch=batch) for pk, day, night in to_update],
            ["day", "night", "batch"],
        )

    plan.write = write
    return plan


def _check_order(timeline: dict[int, dict[date, tuple[int, int, int | None]]], errors: list[RowError]) -> None:
    """Readings never go down: each file row is checked against its neighbours, in the file or the database."""
    for points in timeline.values():
        for (date0, (day0, night0, row0)), (date1, (day1, night1, row1)) in pairwise(sorted(points.items())):
            if row0 is None and row1 is None:
                continue
            for column, before, after in (("День", day0, day1), ("Ночь", night0, night1)):
                if after >= before:
                    continue
                if row1 is not None:
                    where = f", строка {row0}" if row0 is not None else ""
                    message = f"показание {after} меньше предыдущего {before} ({format_date(date0)}{where})."
                    errors.append(RowError(row1, column, message))
                else:
                    message = f"показание {before} больше следующего {after} (уже загружено на {format_date(date1)})."
                    errors.append(RowError(row0, column, message))
