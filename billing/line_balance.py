"""The line balance: per month and main meter, what the main meter counted against the sum of the
plots' meters it feeds, the loss in kWh, percent and roubles at the supplier's price.

A plot's consumption in a month is its meters' rise from the month's first reading to the next
month's first one (a meter removed mid-month: to its final reading; a meter installed mid-month:
from its initial one), so a replacement counts both meters. The plots' sums per month and feeder are
data (LineBalanceMonth), which every write of readings, meters or feeders keeps in its own
transaction (billing.line_sums); the balance reads them and the main meters' readings: a fixed number
of queries whatever the number of plots and years, and nothing is summed on read.

A meter «на вводе» feeds every plot; a feeder meter feeds the plots whose `main_meter` is it.
"""

import datetime
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Case, F, IntegerField, Max, Min, Q, Value, When, Window
from django.db.models.functions import Lead

from billing.formatting import format_rub
from billing.models import LineBalanceMonth, LineSettings, MainMeter, MainReading, Reading
from billing.services.debts.items import MONTH_NAMES, MONTH_SHORT_NAMES
from cms.queries import CompiledQuery

KOPECK = Decimal("0.01")


def month_index(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


def month_start(index: int) -> datetime.date:
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class PlotsSum:
    kwh: int = 0
    plots: int = 0  # plots with a consumption this month
    estimated: int = 0  # of them, plots whose month ends on an estimated reading
    missing: int = 0  # meters without a reading at the month's end


@dataclass(frozen=True)
class BalanceRow:
    main_meter_id: int
    main_meter: str
    kind: str
    month: datetime.date  # the 1st
    main_kwh: int
    plots: PlotsSum
    price: Decimal

    @property
    def period_label(self) -> str:
        return f"{MONTH_NAMES[self.month.month - 1].capitalize()} {self.month.year}"

    @property
    def short_label(self) -> str:
        return f"{MONTH_SHORT_NAMES[self.month.month - 1]} {self.month:%y}"

    @property
    def loss_kwh(self) -> int:
        return self.main_kwh - self.plots.kwh

    @property
    def loss_percent(self) -> Decimal | None:
        if self.main_kwh <= 0:
            return None
        return (Decimal(self.loss_kwh) * 100 / self.main_kwh).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def loss_cost(self) -> Decimal:
        return (Decimal(self.loss_kwh) * self.price).quantize(KOPECK, rounding=ROUND_HALF_UP)

    @property
    def percent_text(self) -> str:
        """«6,5», or «—» without a main meter consumption."""
        percent = self.loss_percent
        return "—" if percent is None else str(percent).replace(".", ",")

    @property
    def cost_text(self) -> str:
        return format_rub(self.loss_cost)


@dataclass(frozen=True)
class LineBalance:
    price: Decimal
    rows: list[BalanceRow]  # newest first, by main meter name within a month

    @property
    def several_meters(self) -> bool:
        return len({row.main_meter_id for row in self.rows}) > 1

    @property
    def is_empty(self) -> bool:
        return not self.rows


@dataclass(frozen=True)
class _Main:
    pk: int
    name: str
    kind: str


# The page's queries, built and compiled to SQL once per process (cms.queries): no arguments.
_settings_query = CompiledQuery(lambda: LineSettings.objects.order_by("pk")[:1])
_main_query = CompiledQuery(
    lambda: (
        MainReading.objects.filter(taken_on__day=1)
        .order_by()
        .values_list("main_meter_id", "main_meter__name", "main_meter__kind", "taken_on", "day", "night")
    )
)
# The months shown of the plots' stored sums, in plain SQL: the ORM would spend longer converting the
# rows (or building the query: cms.queries compiles no date argument) than the database answering.
_STORED_SQL = "SELECT feeder_id, month, kwh, plots, estimated, missing FROM {table} WHERE month >= %s AND month <= %s"


def _settings() -> LineSettings:
    """The stored settings or the defaults unsaved (reading never writes a row)."""
    return next(iter(_settings_query()), None) or LineSettings()


def _main_values(until: datetime.date | None) -> tuple[list[_Main], dict[int, dict[int, int]]]:
    """The main meters with a reading on a 1st (by name) and, by meter id, month index → day + night
    on the 1st of that month: one query (a main meter has a reading a month, so even ten years of
    them are a few hundred rows)."""
    values: dict[int, dict[int, int]] = defaultdict(dict)
    meters: dict[int, _Main] = {}
    for meter_id, name, kind, taken_on, day, night in _main_query():
        if until is not None and taken_on > until:
            continue
        values[meter_id][month_index(taken_on)] = day + night
        if meter_id not in meters:
            meters[meter_id] = _Main(meter_id, name, kind)
    return sorted(meters.values(), key=lambda m: m.name), values


_PLOTS_SUMS_SQL = """
    SELECT {key}, g.idx,
        SUM(CASE WHEN {closed} THEN g.next_day - g.min_day + g.next_night - g.min_night
                 WHEN g.max_on > g.min_on THEN g.max_day - g.min_day + g.max_night - g.min_night
                 ELSE 0 END),
        COUNT(DISTINCT CASE WHEN {closed} OR g.max_on > g.min_on THEN g.plot END),
        COUNT(DISTINCT CASE WHEN {closed} AND g.next_est = 1 THEN g.plot END),
        SUM(CASE WHEN {closed} OR g.max_on > g.min_on THEN 0 ELSE 1 END)
    FROM ({inner}) g
    WHERE g.idx <= %s
    GROUP BY {key}, g.idx
"""


def _plots_sql(
    first: int, last: int, *, by_plot: bool = False, plots: Collection[int] | None = None
) -> tuple[str, list]:
    """Per meter and month: the first and last values, whether the month starts on an estimate, and
    the next month's first values (LEAD), compiled by the ORM; wrapped by a sum per feeder and month.
    The month is a CASE over the month starts (no per-row date function: SQLite's are Python calls).
    `by_plot`: a row per plot (its id first) rather than per feeder, for the loss allocation;
    `plots`: only these plots' meters (their share of the sums, billing.line_sums)."""
    starts = [month_start(index) for index in range(first, last + 3)]
    idx = Case(
        *(When(taken_on__lt=start, then=Value(first + n - 1)) for n, start in enumerate(starts[1:], start=1)),
        output_field=IntegerField(),
    )
    first_of_month_estimate = Case(
        When(Q(source=Reading.Source.ESTIMATE.value) & Q(taken_on__in=starts), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )

    def following(name: str) -> Window:
        return Window(Lead(name), partition_by=[F("meter_id")], order_by=F("idx").asc())

    readings = Reading.objects.filter(taken_on__gte=starts[0], taken_on__lt=starts[-1])
    if plots is not None:
        readings = readings.filter(meter__plot_id__in=list(plots))
    grouped = (
        readings.annotate(idx=idx, plot=F("meter__plot_id"), feeder=F("meter__plot__main_meter_id"))
        .values("meter_id", "plot", "feeder", "idx")
        .annotate(
            min_day=Min("day"),
            max_day=Max("day"),
            min_night=Min("night"),
            max_night=Max("night"),
            min_on=Min("taken_on"),
            max_on=Max("taken_on"),
            est=Max(first_of_month_estimate),
        )
        .annotate(
            next_idx=following("idx"),
            next_day=following("min_day"),
            next_night=following("min_night"),
            next_est=following("est"),
        )
        .order_by()
    )
    inner, params = grouped.query.sql_with_params()
    closed = "g.next_idx = g.idx + 1"
    # the inner query is the ORM's own SQL and every value is a parameter
    key = "g.plot, g.feeder" if by_plot else "g.feeder"
    sql = _PLOTS_SUMS_SQL.format(key=key, closed=closed, inner=inner)  # nosec B608 - fixed fragments, ORM's SQL
    return sql, [*params, last]


def plots_sums(first: int, last: int, plots: Collection[int] | None = None) -> dict[tuple[int | None, int], PlotsSum]:
    """(feeder id or None, month index) → the plots' sum (of `plots` only, if given): one query."""
    sql, params = _plots_sql(first, last, plots=plots)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {
            (feeder, idx): PlotsSum(int(kwh or 0), plots, estimated, int(missing or 0))
            for feeder, idx, kwh, plots, estimated, missing in cursor.fetchall()
        }


def _stored_sums(first: int, last: int) -> dict[tuple[int | None, int], PlotsSum]:
    """The stored sums of the months first..last (one query). A month without a row had no
    readings. Rows of the same feeder and month add up (should two ever be inserted)."""
    table = connection.ops.quote_name(LineBalanceMonth._meta.db_table)
    sums: dict[tuple[int | None, int], PlotsSum] = {}
    with connection.cursor() as cursor:
        cursor.execute(_STORED_SQL.format(table=table), [month_start(first), month_start(last)])  # nosec B608 - the model's table
        for feeder, month, kwh, plots, estimated, missing in cursor.fetchall():
            # SQLite gives the date as text, PostgreSQL as a date
            index = month_index(month if isinstance(month, datetime.date) else datetime.date.fromisoformat(month))
            sums[feeder, index] = _add(sums.get((feeder, index), PlotsSum()), PlotsSum(kwh, plots, estimated, missing))
    return sums


def plots_month_kwh(month: datetime.date) -> dict[int, tuple[int | None, int]]:
    """Plot id → (its feeder id, its kWh) for the plots whose consumption the month's balance counts
    (a meter without a reading at the month's end is left out): one query."""
    index = month_index(month)
    sql, params = _plots_sql(index, index, by_plot=True)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {
            plot: (feeder, int(kwh or 0))
            for plot, feeder, idx, kwh, counted, _, _ in cursor.fetchall()
            if idx == index and counted
        }


def _add(a: PlotsSum, b: PlotsSum) -> PlotsSum:
    return PlotsSum(a.kwh + b.kwh, a.plots + b.plots, a.estimated + b.estimated, a.missing + b.missing)


def line_balance(*, months: int = 24, until: datetime.date | None = None) -> LineBalance:
    """The last `months` months up to the newest one with main meter readings at both ends (before
    `until` if given), newest first: three queries whatever the plots and years (the settings, the
    main meters' readings, the plots' stored monthly sums: billing.line_sums keeps them)."""
    settings = _settings()
    meters, values = _main_values(until)
    ends = [index for by_month in values.values() for index in by_month if index - 1 in by_month]
    if not ends:
        return LineBalance(price=settings.supplier_price, rows=[])
    last = max(ends) - 1
    first = last - months + 1
    main = {
        (meter_id, index): by_month[index + 1] - by_month[index]
        for meter_id, by_month in values.items()
        for index in range(first, last + 1)
        if index in by_month and index + 1 in by_month
    }
    plots = _stored_sums(first, last)
    everything: dict[int, PlotsSum] = defaultdict(PlotsSum)
    for (_, idx), value in plots.items():
        everything[idx] = _add(everything[idx], value)
    rows = []
    for index in range(last, first - 1, -1):
        for meter in meters:
            if (meter.pk, index) not in main:
                continue
            if meter.kind == MainMeter.Kind.TRANSFORMER:
                fed = everything.get(index, PlotsSum())
            else:
                fed = plots.get((meter.pk, index), PlotsSum())
            rows.append(
                BalanceRow(
                    meter.pk,
                    meter.name,
                    meter.kind,
                    month_start(index),
                    main[meter.pk, index],
                    fed,
                    settings.supplier_price,
                )
            )
    return LineBalance(price=settings.supplier_price, rows=rows)


# The chart: the monthly loss in kWh as server-rendered SVG bars, oldest first; negative bars (the
# plots counted more than the main meter, e.g. an estimate too high) go below the zero line.
