"""Electricity periods and their costs, derived from readings and tariffs (never stored).

Pure functions over rows already loaded, so a selector computes any number of plots and
months without a query per plot.
"""

import datetime
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from billing.models import Meter, Reading, Tariff

KOPECK = Decimal("0.01")


class TariffMissing(Exception):
    """No tariff is in force on a period's end date: the cost is unknown, not zero."""

    def __init__(self, period_end: datetime.date):
        self.period_end = period_end
        super().__init__(f"Нет тарифа, действующего на {period_end:%d.%m.%Y}")


def to_kopecks(value: Decimal) -> Decimal:
    return value.quantize(KOPECK, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class PeriodCost:
    """A period's cost both ways; every line rounded to kopecks on its own."""

    single: Decimal
    day: Decimal
    night: Decimal

    @property
    def two_zone(self) -> Decimal:
        return self.day + self.night


@dataclass(frozen=True)
class PlotPeriod:
    """A plot's consumption between two consecutive reading dates, summed over its meters.

    `two_zone` is true when only two-zone meters measured it; `single_meter_kwh` and
    `two_zone_day_kwh`/`two_zone_night_kwh` split the consumption by the kind of meter
    that measured it: that is what the plot owes for.
    """

    plot_id: int
    start: datetime.date
    end: datetime.date
    start_day: int
    start_night: int
    end_day: int
    end_night: int
    day: int
    night: int
    single_meter_kwh: int
    two_zone_day_kwh: int
    two_zone_night_kwh: int
    two_zone: bool
    start_source: str = Reading.Source.IMPORT  # where the start and end readings came from (Reading.Source)
    end_source: str = Reading.Source.IMPORT

    @property
    def start_total(self) -> int:
        return self.start_day + self.start_night

    @property
    def end_total(self) -> int:
        return self.end_day + self.end_night

    @property
    def total(self) -> int:
        return self.day + self.night


@dataclass(frozen=True)
class PeriodBill:
    period: PlotPeriod
    tariff: Tariff
    cost: PeriodCost
    owed: Decimal


def period_costs(*, day: int, night: int, tariff: Tariff) -> PeriodCost:
    """Single-zone: total × single rate; two-zone: day × day rate + night × night rate."""
    return PeriodCost(
        single=to_kopecks((day + night) * tariff.single_rate),
        day=to_kopecks(day * tariff.day_rate),
        night=to_kopecks(night * tariff.night_rate),
    )


def tariff_in_force(*, on: datetime.date, tariffs: Iterable[Tariff]) -> Tariff:
    """The tariff with the latest `valid_from` not after `on`."""
    best = None
    for tariff in tariffs:
        if tariff.valid_from <= on and (best is None or tariff.valid_from > best.valid_from):
            best = tariff
    if best is None:
        raise TariffMissing(on)
    return best


class ReadingValues(NamedTuple):
    """What the period arithmetic reads of a reading; selectors load these with values_list,
    which costs a fraction of building Reading instances for a long history."""

    meter_id: int
    taken_on: datetime.date
    day: int
    night: int
    source: str = Reading.Source.IMPORT

    @property
    def total(self) -> int:
        return self.day + self.night


@dataclass(frozen=True)
class _Span:
    """Two consecutive readings of one meter."""

    two_zone: bool
    start: Reading | ReadingValues
    end: Reading | ReadingValues


def _swap_dates(meters: Sequence[Meter], spans: Sequence[_Span]) -> set[datetime.date]:
    """Dates where one meter replaced another mid-month: they do not split the plot's period.

    A replacement on the 1st falls on the regular schedule and stays a boundary.
    """
    changes = {m.installed_on for m in meters} | {m.removed_on for m in meters}
    ends = {s.end.taken_on for s in spans}
    starts = {s.start.taken_on for s in spans}
    return {d for d in changes & ends & starts if d is not None and d.day != 1}


def plot_periods(
    *, plot_id: int, meters: Sequence[Meter], readings: Iterable[Reading | ReadingValues]
) -> list[PlotPeriod]:
    """The plot's periods, oldest first, from the readings of its meters.

    A period runs between two reading dates of the plot; a meter replaced mid-period
    contributes its readings up to removal and the new one from installation.
    """
    kinds = {m.pk: m.is_two_zone for m in meters}
    by_meter: dict[int, list[Reading | ReadingValues]] = defaultdict(list)
    for reading in readings:
        if reading.meter_id in kinds:
            by_meter[reading.meter_id].append(reading)
    spans = []
    for meter_id, rows in by_meter.items():
        rows.sort(key=lambda r: r.taken_on)
        spans.extend(_Span(kinds[meter_id], a, b) for a, b in zip(rows, rows[1:], strict=False))
    if not spans:
        return []

    dates = {s.start.taken_on for s in spans} | {s.end.taken_on for s in spans}
    dates -= _swap_dates(meters, spans)
    # a meter that skipped a reading date merges the periods around it
    ordered = sorted(dates)
    for span in spans:
        low = bisect_right(ordered, span.start.taken_on)
        dates.difference_update(ordered[low : bisect_left(ordered, span.end.taken_on, lo=low)])
    bounds = sorted(dates)

    # the earliest and latest dates always stay bounds, so each span falls in one period
    periods_spans: dict[int, list[_Span]] = defaultdict(list)
    for span in spans:
        periods_spans[bisect_right(bounds, span.start.taken_on) - 1].append(span)

    periods = []
    for index in sorted(periods_spans):
        start, end, inside = bounds[index], bounds[index + 1], periods_spans[index]
        if len(inside) == 1 and inside[0].start.taken_on == start and inside[0].end.taken_on == end:
            periods.append(_one_span_period(plot_id, inside[0]))  # most periods: one meter, two readings
            continue
        periods.append(_summed_period(plot_id, start, end, inside))
    return periods


def _summed_period(plot_id: int, start: datetime.date, end: datetime.date, inside: list[_Span]) -> PlotPeriod:
    """A period of several spans (meters replaced, or one meter skipping a date): their sums."""
    first = [s.start for s in inside if s.start.taken_on == start]
    last = [s.end for s in inside if s.end.taken_on == end]
    return PlotPeriod(
        plot_id=plot_id,
        start=start,
        end=end,
        start_day=sum(r.day for r in first),
        start_night=sum(r.night for r in first),
        end_day=sum(r.day for r in last),
        end_night=sum(r.night for r in last),
        day=sum(s.end.day - s.start.day for s in inside),
        night=sum(s.end.night - s.start.night for s in inside),
        single_meter_kwh=sum(s.end.total - s.start.total for s in inside if not s.two_zone),
        two_zone_day_kwh=sum(s.end.day - s.start.day for s in inside if s.two_zone),
        two_zone_night_kwh=sum(s.end.night - s.start.night for s in inside if s.two_zone),
        two_zone=all(s.two_zone for s in inside),
        start_source=_source_of(first),
        end_source=_source_of(last),
    )


_SOURCE_WEIGHT = {Reading.Source.ESTIMATE: 2, Reading.Source.MEMBER: 1}


def _source_of(readings: Sequence[Reading | ReadingValues]) -> str:
    """Of several meters' readings on one date, the one to mark: an estimate, else a member's."""
    return max((r.source for r in readings), key=lambda s: _SOURCE_WEIGHT.get(s, 0), default=Reading.Source.IMPORT)


def _one_span_period(plot_id: int, span: _Span) -> PlotPeriod:
    """The period of one meter between two of its readings: the sums below, without summing."""
    a, b = span.start, span.end
    day, night = b.day - a.day, b.night - a.night
    return PlotPeriod(
        plot_id=plot_id,
        start=a.taken_on,
        end=b.taken_on,
        start_day=a.day,
        start_night=a.night,
        end_day=b.day,
        end_night=b.night,
        day=day,
        night=night,
        single_meter_kwh=0 if span.two_zone else day + night,
        two_zone_day_kwh=day if span.two_zone else 0,
        two_zone_night_kwh=night if span.two_zone else 0,
        two_zone=span.two_zone,
        start_source=a.source,
        end_source=b.source,
    )


def period_bill(*, period: PlotPeriod, tariffs: Iterable[Tariff]) -> PeriodBill:
    """Costs under the tariff in force on the period's end; what is owed follows the meter's kind:
    the two-zone figure for a two-zone meter, the single-zone one otherwise."""
    tariff = tariff_in_force(on=period.end, tariffs=tariffs)
    cost = period_costs(day=period.day, night=period.night, tariff=tariff)
    owed_two_zone = period_costs(day=period.two_zone_day_kwh, night=period.two_zone_night_kwh, tariff=tariff)
    owed_single = to_kopecks(period.single_meter_kwh * tariff.single_rate)
    return PeriodBill(period=period, tariff=tariff, cost=cost, owed=owed_single + owed_two_zone.two_zone)


def plot_bills(
    *, plot_id: int, meters: Sequence[Meter], readings: Iterable[Reading | ReadingValues], tariffs: Sequence[Tariff]
) -> list[PeriodBill]:
    """Every period of the plot with its costs; raises TariffMissing for a period without a tariff."""
    periods = plot_periods(plot_id=plot_id, meters=meters, readings=readings)
    return [period_bill(period=p, tariffs=tariffs) for p in periods]
