"""Estimated readings: a meter without a reading at a period's end (the 1st of the next month) gets
one from the average daily use of its last 3 periods, day and night apart, marked
`Reading.Source.ESTIMATE`. A meter with no period yet gets none and is listed as such.

The estimate stays when the next real reading comes for a later date: the difference falls into
the following period by itself. A real reading for the same date replaces the estimate (the
readings import overwrites it and says so)."""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber

from billing.line_sums import months_of, resum_months
from billing.models import Meter, Reading
from billing.services.locks import import_lock_take
from billing.signals import ledger_changed

HISTORY_PERIODS = 3
_PERIOD = re.compile(r"(\d{4})-(\d{2})")


class EstimateRefused(ValueError):
    """The period cannot be estimated; the message is for the treasurer."""


def parse_period(text: str) -> datetime.date:
    """«2026-05» → the 1st of that month; EstimateRefused in Russian otherwise."""
    match = _PERIOD.fullmatch(text.strip()) if text.isascii() else None
    if match is None:
        raise EstimateRefused(f"Период «{text[:20]}» не понят: нужен год и месяц, например 2026-05.")
    year, month = int(match[1]), int(match[2])
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise EstimateRefused(f"Периода «{text[:20]}» не бывает: месяц от 01 до 12, год от 2000 до 2100.")
    return datetime.date(year, month, 1)


def period_end(start: datetime.date) -> datetime.date:
    return datetime.date(start.year + start.month // 12, start.month % 12 + 1, 1)


@dataclass(frozen=True)
class Estimate:
    meter_id: int
    plot_number: int
    serial: str
    last_on: datetime.date
    last_day: int
    last_night: int
    day: int
    night: int

    @property
    def kwh(self) -> int:
        return self.day + self.night - self.last_day - self.last_night


@dataclass(frozen=True)
class Skipped:
    plot_number: int
    serial: str
    reason: str


@dataclass
class EstimateResult:
    start: datetime.date
    end: datetime.date
    dry_run: bool
    estimates: list[Estimate] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    already: int = 0  # meters with a reading at the period's end

    @property
    def summary(self) -> str:
        return (
            f"расчётных показаний на {self.end:%d.%m.%Y}: {len(self.estimates)}; "
            f"уже есть показания: {self.already}; без истории или пропущено: {len(self.skipped)}"
        )


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def estimate_from(history: list[tuple[datetime.date, int, int]], end: datetime.date) -> tuple[int, int] | None:
    """The meter's day and night on `end` from its readings before it (newest first, up to
    HISTORY_PERIODS + 1): the last one plus the average daily use of the periods between them."""
    if len(history) < 2:
        return None
    (last_on, last_day, last_night), (first_on, first_day, first_night) = history[0], history[-1]
    days = (last_on - first_on).days
    ahead = (end - last_on).days
    if days <= 0:
        return None
    day = last_day + _round(Decimal(max(last_day - first_day, 0)) * ahead / days)
    night = last_night + _round(Decimal(max(last_night - first_night, 0)) * ahead / days)
    return day, night


def estimate_readings(*, start: datetime.date, dry_run: bool = False) -> EstimateResult:
    """Estimates on the 1st of the month after `start` for every meter in use then without a
    reading on that date; idempotent. Five queries whatever the number of meters."""
    end = period_end(start)
    result = EstimateResult(start=start, end=end, dry_run=dry_run)
    with transaction.atomic():
        import_lock_take()
        meters = list(
            Meter.objects.filter(plot__active=True)
            .filter(Q(installed_on__isnull=True) | Q(installed_on__lt=end))
            .filter(Q(removed_on__isnull=True) | Q(removed_on__gt=end))
            .order_by("plot__number", "pk")
            .values_list("pk", "plot__number", "serial", "kind")
        )
        ids = [m[0] for m in meters]
        at_or_after = defaultdict(set)
        for meter_id, taken_on in (
            Reading.objects.filter(meter_id__in=ids, taken_on__gte=end).order_by().values_list("meter_id", "taken_on")
        ):
            at_or_after[meter_id].add(taken_on)
        history = defaultdict(list)
        recent = (
            Reading.objects.filter(meter_id__in=ids, taken_on__lt=end)
            .annotate(rank=Window(RowNumber(), partition_by=[F("meter_id")], order_by=F("taken_on").desc()))
            .filter(rank__lte=HISTORY_PERIODS + 1)
            .order_by("meter_id", "-taken_on")
            .values_list("meter_id", "taken_on", "day", "night")
        )
        for meter_id, taken_on, day, night in recent:
            history[meter_id].append((taken_on, day, night))
        create = []
        for meter_id, number, serial, kind in meters:
            dates = at_or_after[meter_id]
            if end in dates:
                result.already += 1
                continue
            if dates:
                result.skipped.append(Skipped(number, serial, "есть более поздние показания"))
                continue
            values = estimate_from(history[meter_id], end)
            if values is None:
                result.skipped.append(Skipped(number, serial, "нет истории: меньше двух показаний"))
                continue
            day, night = values
            if kind == Meter.Kind.SINGLE:
                night = history[meter_id][0][2]
            last_on, last_day, last_night = history[meter_id][0]
            result.estimates.append(Estimate(meter_id, number, serial, last_on, last_day, last_night, day, night))
            create.append(
                Reading(meter_id=meter_id, taken_on=end, day=day, night=night, source=Reading.Source.ESTIMATE)
            )
        if create and not dry_run:
            Reading.objects.bulk_create(create, batch_size=500)
            resum_months(months_of([end]))  # the line balance's two months the estimates touch
            ledger_changed.send(sender=Reading)
    return result
