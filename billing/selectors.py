"""Read models for the members' cabinet: a fixed number of queries whatever the number of
plots and months (one per table shown), the arithmetic done by the pure services."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from types import EllipsisType

from django.db.models import DateField, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from billing.models import Charge, ImportBatch, Meter, Payment, Plot, Reading, Tariff
from billing.services.debts.items import ArticleInfo, ChargeRow, PaymentRow, plot_debts
from billing.services.debts.policy import DuePolicy
from billing.services.electricity import (
    PeriodCost,
    PlotPeriod,
    ReadingValues,
    TariffMissing,
    period_bill,
    plot_periods,
)
from billing.services.ledger import ArticleBalance, PlotLedger, plot_ledger_from_rows
from cms.queries import CompiledQuery

STATUS_KINDS = (ImportBatch.Kind.CHARGES, ImportBatch.Kind.PAYMENTS)


def _ids(plot_ids: Iterable[int]) -> list[int]:
    return sorted({int(pk) for pk in plot_ids})


def payment_status_date(*, subquery: bool = False) -> datetime.date | None | Subquery:
    """«Статус моих оплат от …»: the latest date of the charges and payments data, that is a
    batch's `as_of`, or the day it was uploaded when the file gave none. With `subquery`, the
    same as an expression another query can carry (the member's own, see members.backends)."""
    data_date = Coalesce("as_of", TruncDate("created_at"), output_field=DateField())
    dates = (
        ImportBatch.objects.filter(kind__in=STATUS_KINDS)
        .annotate(data_date=data_date)
        .order_by("-data_date")
        .values_list("data_date", flat=True)
    )
    return Subquery(dates[:1], output_field=DateField()) if subquery else dates.first()


@dataclass(frozen=True)
class ArticleDue:
    """When an article of the plot must be paid and what of it is late, on the day the page is shown."""

    due_on: datetime.date | None  # of the oldest unpaid charge
    overdue: Decimal
    overdue_since: datetime.date | None


NOTHING_DUE = ArticleDue(None, Decimal("0.00"), None)


@dataclass(frozen=True)
class PlotStatus:
    """One plot's block of «Статус моих оплат»; the totals make its «Общая информация» row."""

    plot_id: int
    number: int
    street: str
    electrified: bool
    has_new_meter: bool
    area: Decimal
    ledger: PlotLedger
    dues: dict[int, ArticleDue]

    @property
    def article_rows(self) -> list[tuple[ArticleBalance, ArticleDue]]:
        return [(article, self.dues.get(article.article_id, NOTHING_DUE)) for article in self.articles]

    @property
    def overdue(self) -> Decimal:
        return sum((due.overdue for due in self.dues.values()), Decimal("0.00"))

    @property
    def due(self) -> Decimal:
        return self.ledger.due

    @property
    def prepayment(self) -> Decimal:
        return self.ledger.prepayment

    @property
    def articles(self) -> tuple[ArticleBalance, ...]:
        return self.ledger.articles

    @property
    def electricity_paid(self) -> Decimal:
        return self.ledger.electricity_paid

    @property
    def electricity_last_paid_on(self) -> datetime.date | None:
        return self.ledger.electricity_last_paid_on


@dataclass(frozen=True)
class PaymentStatus:
    as_of: datetime.date | None
    plots: tuple[PlotStatus, ...]


# The cabinet's queries, built and compiled once per process (cms.queries): `ids` is a tuple.
_status_plots = CompiledQuery(
    lambda ids: Plot.objects.filter(pk__in=ids).annotate(**DuePolicy.annotations()).order_by("number")
)
_status_charges = CompiledQuery(
    lambda ids: Charge.objects.filter(plot_id__in=ids).select_related("article").order_by()
)
_status_payments = CompiledQuery(
    lambda ids: Payment.objects.filter(plot_id__in=ids).select_related("article").order_by()
)
_bill_meters = CompiledQuery(
    lambda ids: Meter.objects.filter(plot_id__in=ids).select_related("plot").order_by("plot__number", "pk")
)
_bill_readings = CompiledQuery(
    lambda ids: (
        Reading.objects.filter(meter__plot_id__in=ids)
        .values_list("meter_id", "taken_on", "day", "night", "source")
        .order_by("meter_id", "taken_on")
    )
)


def payment_status(*, plot_ids: Iterable[int], as_of: datetime.date | None | EllipsisType = ...) -> PaymentStatus:
    """The plots (by number) with their balances per article and what of them is overdue today:
    four queries, three when the caller has read the status date (`as_of`) already."""
    ids = _ids(plot_ids)
    if as_of is ...:
        as_of = payment_status_date()
    if not ids:
        return PaymentStatus(as_of=as_of, plots=())
    plots = list(_status_plots(ids))
    policy = DuePolicy.from_annotated(plots[0]) if plots else DuePolicy()
    today = timezone.localdate()
    charges, payments = defaultdict(list), defaultdict(list)
    for charge in _status_charges(ids):
        charges[charge.plot_id].append(charge)
    for payment in _status_payments(ids):
        payments[payment.plot_id].append(payment)
    return PaymentStatus(
        as_of=as_of,
        plots=tuple(
            PlotStatus(
                plot_id=plot.pk,
                number=plot.number,
                street=plot.street,
                electrified=plot.electrified,
                has_new_meter=plot.has_new_meter,
                area=plot.area,
                ledger=plot_ledger_from_rows(plot_id=plot.pk, charges=charges[plot.pk], payments=payments[plot.pk]),
                dues=_article_dues(plot.pk, charges[plot.pk], payments[plot.pk], policy=policy, today=today),
            )
            for plot in plots
        ),
    )


def _article_dues(
    plot_id: int, charges: list[Charge], payments: list[Payment], *, policy: DuePolicy, today: datetime.date
) -> dict[int, ArticleDue]:
    """Due dates and overdue amounts per charged article, from the rows the page loaded already."""
    articles = {
        row.article_id: ArticleInfo(a.pk, a.name, a.kind, a.year, a.due_on, a.sort_order)
        for row in (*charges, *payments)
        for a in (row.article,)
    }
    debts = plot_debts(
        plot_id=plot_id,
        articles=articles,
        charges=[ChargeRow(c.plot_id, c.article_id, c.accrued_on, c.amount) for c in charges],
        payments=[PaymentRow(p.plot_id, p.article_id, p.paid_on, p.amount, p.document) for p in payments],
        bills=(),
        policy=policy,
    )
    return {
        key: ArticleDue(account.next_due_on(today), account.overdue(today), account.overdue_since(today))
        for key, account in debts.accounts.items()
        if isinstance(key, int)
    }


@dataclass(frozen=True)
class ElectricityLine:
    """A plot's row in a period of «Мое электричество». Without a tariff in force the costs
    are None and `error` says why, rather than showing a wrong zero."""

    plot_id: int
    plot_number: int
    period: PlotPeriod
    cost: PeriodCost | None
    owed: Decimal | None
    error: str = ""

    @property
    def tariff_missing(self) -> bool:
        return bool(self.error)


@dataclass(frozen=True)
class PeriodGroup:
    start: datetime.date
    end: datetime.date
    lines: tuple[ElectricityLine, ...]


def period_bills(
    *, plot_ids: Iterable[int], between: tuple[datetime.date, datetime.date] | None = None
) -> list[ElectricityLine]:
    """Every period of the plots' meters with its bill, by plot number and oldest first: three
    queries whatever the number of plots. With `between` only the readings on those dates and
    inside them count (the monthly SMS asks for one month); a period without a tariff carries
    the error instead of costs."""
    ids = _ids(plot_ids)
    if not ids:
        return []
    meters = list(_bill_meters(ids))
    if between is None:
        values = _bill_readings(ids)
    else:
        values = (
            Reading.objects.filter(meter__plot_id__in=ids, taken_on__range=between)
            .values_list("meter_id", "taken_on", "day", "night", "source")
            .order_by("meter_id", "taken_on")
        )
    tariffs = list(Tariff.objects.order_by("valid_from"))

    meters_of, readings_of = defaultdict(list), defaultdict(list)
    for meter in meters:
        meters_of[meter.plot_id].append(meter)
    plot_of_meter = {m.pk: m.plot_id for m in meters}
    for reading in map(ReadingValues._make, values):
        if reading.meter_id in plot_of_meter:  # not a meter added since the query above
            readings_of[plot_of_meter[reading.meter_id]].append(reading)

    lines = []
    for plot_id, plot_meters in meters_of.items():
        number = plot_meters[0].plot.number
        for period in plot_periods(plot_id=plot_id, meters=plot_meters, readings=readings_of[plot_id]):
            try:
                bill = period_bill(period=period, tariffs=tariffs)
            except TariffMissing as missing:
                lines.append(ElectricityLine(plot_id, number, period, cost=None, owed=None, error=str(missing)))
            else:
                lines.append(ElectricityLine(plot_id, number, period, cost=bill.cost, owed=bill.owed))
    return lines


def electricity_periods(*, plot_ids: Iterable[int]) -> list[PeriodGroup]:
    """Every period of the plots' meters, newest first, one line per plot: three queries."""
    groups: dict[tuple[datetime.date, datetime.date], list[ElectricityLine]] = defaultdict(list)
    for line in period_bills(plot_ids=plot_ids):
        groups[line.period.start, line.period.end].append(line)
    return [
        PeriodGroup(start=start, end=end, lines=tuple(sorted(lines, key=lambda line: line.plot_number)))
        for (start, end), lines in sorted(groups.items(), key=lambda item: (item[0][1], item[0][0]), reverse=True)
    ]


@dataclass(frozen=True)
class ReadingRow:
    plot_number: int
    taken_on: datetime.date
    day: int
    night: int
    meter_serial: str
    source: str = Reading.Source.IMPORT

    @property
    def source_label(self) -> str:
        """Empty for a reading from the file; else «передано садоводом», «расчётное», …"""
        return "" if self.source == Reading.Source.IMPORT else Reading.Source(self.source).label


def plot_readings_rows(*, plot_ids: Iterable[int]) -> list[ReadingRow]:
    """The plots' readings for a member's CSV/XLSX export, by plot and date: one query."""
    ids = _ids(plot_ids)
    if not ids:
        return []
    rows = (
        Reading.objects.filter(meter__plot_id__in=ids)
        .order_by("meter__plot__number", "taken_on", "meter_id")
        .values_list("meter__plot__number", "taken_on", "day", "night", "meter__serial", "source")
    )
    return [ReadingRow(*row) for row in rows]


def latest_closed_period() -> str | None:
    """«2022-05» when readings of 1 June 2022 are the newest month-start readings: the month
    the monthly SMS speaks of. None without any."""
    newest = Reading.objects.filter(taken_on__day=1).order_by("-taken_on").values_list("taken_on", flat=True).first()
    if newest is None:
        return None
    return f"{newest - datetime.timedelta(days=1):%Y-%m}"
