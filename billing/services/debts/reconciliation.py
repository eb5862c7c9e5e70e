"""The reconciliation statement (акт сверки) of a plot for a period: per account (an article, or the
electricity periods billed by readings) the opening balance, every charge and payment dated within
the period in date order, and the closing balance; the total over the accounts.

A positive balance is what the plot owes, a negative one an advance. Payments go to the accounts as
in «Статус моих оплат» and the debts (`items.plot_debts`): an electricity payment counts against the
periods unless the plot has charges of that very article. Pure arithmetic over the rows of
`billing.services.debts.loading`, plus `plot_headings` (one query for any number of plots) and
`load_reconciliation` for one plot (six queries).
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Min, OuterRef, Subquery

from billing.models import Article, Charge, Payment, Plot, Reading
from billing.services.debts.items import (
    ELECTRICITY,
    ELECTRICITY_NAME,
    ZERO,
    ArticleInfo,
    BillRow,
    ChargeRow,
    PaymentRow,
    period_title,
)
from billing.services.debts.loading import load_articles, load_bills

CHARGE, PAYMENT = "charge", "payment"
PAYMENT_TITLE = "Оплата"


class Period(NamedTuple):
    start: datetime.date
    end: datetime.date


@dataclass(frozen=True)
class PlotHeading:
    """The plot an акт is about, and the first day anything of it is on record (None: nothing yet)."""

    plot_id: int
    number: int
    street: str
    owner_name: str
    first_day: datetime.date | None


@dataclass(frozen=True)
class Entry:
    """A line of an account: a charge (`charged`) or a payment (`paid`), and the balance after it."""

    on: datetime.date
    kind: str  # CHARGE or PAYMENT
    title: str
    document: str
    charged: Decimal
    paid: Decimal
    balance: Decimal


@dataclass(frozen=True)
class AccountStatement:
    key: int | str  # an article's pk, or ELECTRICITY
    name: str
    kind: str
    sort_order: int
    opening: Decimal
    entries: tuple[Entry, ...]

    @property
    def charged(self) -> Decimal:
        return sum((e.charged for e in self.entries), ZERO)

    @property
    def paid(self) -> Decimal:
        return sum((e.paid for e in self.entries), ZERO)

    @property
    def closing(self) -> Decimal:
        return self.opening + self.charged - self.paid

    @property
    def is_penalty(self) -> bool:
        return self.kind == Article.Kind.PENALTY


@dataclass(frozen=True)
class Reconciliation:
    plot: PlotHeading
    period: Period
    accounts: tuple[AccountStatement, ...]

    @property
    def opening(self) -> Decimal:
        return sum((a.opening for a in self.accounts), ZERO)

    @property
    def charged(self) -> Decimal:
        return sum((a.charged for a in self.accounts), ZERO)

    @property
    def paid(self) -> Decimal:
        return sum((a.paid for a in self.accounts), ZERO)

    @property
    def closing(self) -> Decimal:
        return sum((a.closing for a in self.accounts), ZERO)


class _Line(NamedTuple):
    """A charge, a bill or a payment on its account, before it is split by the period."""

    key: int | str
    on: datetime.date
    kind: str
    title: str
    document: str
    amount: Decimal


def consumption(bill: BillRow) -> str:
    """«T1 520, T2 217 кВт·ч» for a two-zone period, «737 кВт·ч» when nothing was used at night."""
    return f"T1 {bill.day}, T2 {bill.night} кВт·ч" if bill.night else f"{bill.day} кВт·ч"


def bill_title(bill: BillRow) -> str:
    """«Электроэнергия за май 2022: T1 520, T2 217 кВт·ч»."""
    return f"{period_title(bill.start, bill.end)}: {consumption(bill)}"


def _lines(
    *,
    articles: dict[int, ArticleInfo],
    charges: Iterable[ChargeRow],
    payments: Iterable[PaymentRow],
    bills: Iterable[BillRow],
) -> list[_Line]:
    charges = list(charges)
    charged_articles = {c.article_id for c in charges}
    lines = [_Line(c.article_id, c.accrued_on, CHARGE, articles[c.article_id].name, "", c.amount) for c in charges]
    lines += [_Line(ELECTRICITY, b.end, CHARGE, bill_title(b), "", b.owed) for b in bills]
    for p in payments:
        key: int | str = p.article_id
        if articles[key].kind == Article.Kind.ELECTRICITY and key not in charged_articles:
            key = ELECTRICITY
        lines.append(_Line(key, p.paid_on, PAYMENT, PAYMENT_TITLE, p.document, p.amount))
    return lines


def _account(key: int | str, articles: dict[int, ArticleInfo], period: Period, lines: list[_Line]) -> AccountStatement:
    if key == ELECTRICITY:
        name, kind, sort_order = ELECTRICITY_NAME, Article.Kind.ELECTRICITY, -1
    else:
        info = articles[key]
        name, kind, sort_order = info.name, info.kind, info.sort_order
    before = (line for line in lines if line.on < period.start)
    opening = sum((line.amount if line.kind == CHARGE else -line.amount for line in before), ZERO)
    within = sorted(
        (line for line in lines if period.start <= line.on <= period.end),
        key=lambda line: (line.on, line.kind != CHARGE, line.title, line.document),
    )
    balance, entries = opening, []
    for line in within:
        charged, paid = (line.amount, ZERO) if line.kind == CHARGE else (ZERO, line.amount)
        balance += charged - paid
        entries.append(Entry(line.on, line.kind, line.title, line.document, charged, paid, balance))
    return AccountStatement(key, name, kind, sort_order, opening, tuple(entries))


def reconcile(
    *,
    plot: PlotHeading,
    period: Period,
    articles: dict[int, ArticleInfo],
    charges: Iterable[ChargeRow],
    payments: Iterable[PaymentRow],
    bills: Iterable[BillRow],
) -> Reconciliation:
    """The акт of `plot` for `period` (both days included). An account with nothing in the period and
    nothing owed or paid in advance before it is left out."""
    by_account: dict[int | str, list[_Line]] = {}
    for line in _lines(articles=articles, charges=charges, payments=payments, bills=bills):
        if line.on <= period.end:
            by_account.setdefault(line.key, []).append(line)
    accounts = [_account(key, articles, period, lines) for key, lines in by_account.items()]
    shown = [a for a in accounts if a.entries or a.opening != ZERO]
    shown.sort(key=lambda a: (a.sort_order, a.name))
    return Reconciliation(plot=plot, period=period, accounts=tuple(shown))


# Validation of the period: (field, message); field "from", "to" or None for the pair.
def default_period(first_day: datetime.date | None, today: datetime.date) -> Period:
    """From the plot's first record to today."""
    return Period(min(first_day or today, today), today)


def period_problems(
    *, start: datetime.date, end: datetime.date, first_day: datetime.date | None, today: datetime.date, number: int
) -> list[tuple[str | None, str]]:
    """Why an акт of plot `number` cannot be made for [start, end], in Russian; [] when it can."""
    problems: list[tuple[str | None, str]] = []
    for field, day in (("from", start), ("to", end)):
        if day > today:
            problems.append((field, f"Дата {day:%d.%m.%Y} ещё не наступила: выберите день не позже {today:%d.%m.%Y}."))
    if start > end:
        problems.append((None, f"Начало периода ({start:%d.%m.%Y}) позже его конца ({end:%d.%m.%Y})."))
    if first_day is None:
        problems.append((None, f"По участку {number} ещё нет ни начислений, ни платежей: акт сверки пока пуст."))
    elif start < min(first_day, today):
        problems.append(
            (
                "from",
                f"Данные по участку {number} начинаются с {first_day:%d.%m.%Y}: "
                "выберите начало периода не раньше этой даты.",
            )
        )
    return problems


# Loading: one plot's rows, reusing billing.services.debts.loading.
def plot_headings(*, plot_ids: Sequence[int] | None = None, numbers: Sequence[int] | None = None) -> list[PlotHeading]:
    """The plots (by id or by number, ordered by number) with the first day of their charges,
    payments and meter readings: one query whatever their number."""
    plots = Plot.objects.order_by("number")
    if plot_ids is not None:
        plots = plots.filter(pk__in=list(plot_ids))
    if numbers is not None:
        plots = plots.filter(number__in=list(numbers))

    def first(model, field: str, plot_path: str) -> Subquery:
        rows = model.objects.filter(**{plot_path: OuterRef("pk")}).order_by().values(plot_path)
        return Subquery(rows.annotate(first=Min(field)).values("first")[:1])

    rows = plots.annotate(
        first_charge=first(Charge, "accrued_on", "plot_id"),
        first_payment=first(Payment, "paid_on", "plot_id"),
        first_reading=first(Reading, "taken_on", "meter__plot_id"),
    ).values_list("pk", "number", "street", "owner_name", "first_charge", "first_payment", "first_reading")
    return [
        PlotHeading(pk, number, street, owner_name, min((d for d in dates if d is not None), default=None))
        for pk, number, street, owner_name, *dates in rows
    ]


def document_reference(document: str, number: str | None, day: datetime.date | None) -> str:
    """What a member finds in their bank: «№ 41 от 10.06.2022» for a payment posted from the bank
    statement, else the document the payments file gave."""
    if number:
        return f"№ {number} от {day:%d.%m.%Y}" if day else f"№ {number}"
    return document


def load_payments(plot_id: int) -> list[PaymentRow]:
    """The plot's payments, their document as the bank names it."""
    fields = ("plot_id", "article_id", "paid_on", "amount", "document", "transaction__number", "transaction__date")
    rows = Payment.objects.filter(plot_id=plot_id).order_by().values_list(*fields)
    return [PaymentRow(*row[:4], document_reference(*row[4:])) for row in rows]


def load_reconciliation(*, plot: PlotHeading, period: Period) -> Reconciliation:
    """The акт of one plot: six queries (articles, charges, payments, meters, readings, tariffs)."""
    charges = Charge.objects.filter(plot_id=plot.plot_id).order_by()
    return reconcile(
        plot=plot,
        period=period,
        articles=load_articles(),
        charges=[ChargeRow(*row) for row in charges.values_list("plot_id", "article_id", "accrued_on", "amount")],
        payments=load_payments(plot.plot_id),
        bills=load_bills([plot.plot_id])[plot.plot_id],
    )
