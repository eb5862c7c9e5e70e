"""The debtors report: on a date, every plot's overdue amount per account (an article; electricity
is one account), the days since the oldest unpaid due date, the plot's last payment and its total.

The arithmetic is the cabinet's («Статус моих оплат», `billing.services.debts.items`): payments
lay on the oldest due first, a charge is late from the day after its due date, and what the plot
paid after the date `on` does not count. Definitions:

- overdue: `Account.overdue(on)`, unpaid at the end of `on` of the items due before `on`;
- days overdue: from the first late day of the oldest unpaid item to `on`, both counted, i.e.
  `on − due date` (due 1 July, on 2 July: 1 day);
- last payment: the latest day on or before `on` with a payment of the plot (any article), and the
  sum of that day's payments (the bank splits one transfer over articles);
- plot total: the sum of the plot's rows that the filters leave.

The overdue amounts of the articles come from one query (`overdue.charge_accounts`); the
electricity periods are billed from the readings in Python. Eight queries whatever the number of
plots (articles, due settings, plots, the overdue articles, the electricity payments, and the
bills' meters, readings and tariffs: none when no plot has a meter), and one for the last payments
of the rows shown."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Exists, OuterRef, Subquery, Sum

from billing.models import Meter, Payment, Plot
from billing.services.debts.items import ELECTRICITY, ELECTRICITY_NAME, ZERO, ArticleInfo
from billing.services.debts.loading import load_articles, load_bills
from billing.services.debts.overdue import Overdue, charge_accounts, electricity_accounts, electricity_payments
from billing.services.debts.policy import DuePolicy

BY_AMOUNT = "amount"
BY_NUMBER = "number"


@dataclass(frozen=True, slots=True)
class DebtorsQuery:
    """The filters: `account` is an article's pk or ELECTRICITY (None: every account)."""

    on: datetime.date
    account: int | str | None = None
    min_amount: Decimal = ZERO
    min_days: int = 0
    order: str = BY_AMOUNT


class DebtorRow(NamedTuple):
    """A row of the report (a tuple: thirty thousand of them are made per request)."""

    plot_id: int
    number: int
    owner: str
    account: int | str
    article: str
    overdue: Decimal
    since: datetime.date  # the first late day of the oldest unpaid item
    days: int
    plot_total: Decimal
    first_of_plot: bool  # the plot's first row: the table shows the plot's cells once
    last_paid_on: datetime.date | None = None  # filled by `with_last_payments`
    last_paid: Decimal | None = None


class DebtorRows(Sequence):
    """The report's rows in order, made into `DebtorRow`s only when read: a page shows 50 of
    thirty thousand, and the paginator asks for its length and one slice."""

    def __init__(self, entries: list[tuple], plots: dict[int, tuple[int, str]], names: dict, totals: dict) -> None:
        self._entries = entries  # (plot_id, Overdue, days, first_of_plot)
        self._plots, self._names, self._totals = plots, names, totals

    def __len__(self) -> int:
        return len(self._entries)

    def _row(self, entry: tuple) -> DebtorRow:
        plot_id, item, days, first = entry
        number, owner = self._plots[plot_id]
        account = item.account
        return DebtorRow(
            plot_id, number, owner, account, self._names[account], item.overdue, item.since, days,
            self._totals[plot_id], first,
        )  # fmt: skip

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._row(entry) for entry in self._entries[index]]
        return self._row(self._entries[index])


@dataclass(frozen=True, slots=True)
class DebtorsReport:
    query: DebtorsQuery
    rows: DebtorRows
    total: Decimal
    plots: int


def with_last_payments(rows: list[DebtorRow], on: datetime.date) -> list[DebtorRow]:
    """The rows with their plot's last payment up to `on` (any article; the sum of that day's
    payments, as the bank splits one transfer over articles): one query for any number of rows."""
    ids = {row.plot_id for row in rows}
    if not ids:
        return list(rows)
    up_to = Payment.objects.filter(paid_on__lte=on)
    latest = up_to.filter(plot_id=OuterRef("plot_id")).order_by("-paid_on").values("paid_on")[:1]
    days = (
        up_to.filter(plot_id__in=ids, paid_on=Subquery(latest))
        .order_by()
        .values("plot_id", "paid_on")
        .annotate(total=Sum("amount"))
        .values_list("plot_id", "paid_on", "total")
    )
    last = {plot_id: (day, total) for plot_id, day, total in days}
    return [
        row._replace(last_paid_on=last[row.plot_id][0], last_paid=last[row.plot_id][1]) if row.plot_id in last else row
        for row in rows
    ]


def debtors(query: DebtorsQuery, *, articles: dict[int, ArticleInfo] | None = None) -> DebtorsReport:
    """The rows the filters leave, sorted by the plot's total (largest first) or by plot number.
    `articles` saves the query when the caller has loaded them (the form's choices)."""
    on = query.on
    policy = DuePolicy.current()
    articles = load_articles() if articles is None else articles
    metered = Exists(Meter.objects.filter(plot_id=OuterRef("pk")))
    rows = Plot.objects.order_by().annotate(metered=metered).values_list("pk", "number", "owner_name", "metered")
    plots, with_meters = {}, []
    for pk, number, owner, has_meter in rows:
        plots[pk] = (number, owner)
        if has_meter:
            with_meters.append(pk)
    only = None if query.account is None else ({query.account} if query.account != ELECTRICITY else set())
    found = charge_accounts(on=on, articles=articles, policy=policy, article_ids=only)
    bills = load_bills(with_meters)  # the meters' plots only: a shorter list to send
    paid = electricity_payments(on)
    if query.account in (None, ELECTRICITY):
        found += electricity_accounts(on=on, articles=articles, policy=policy, bills=bills, payments=paid)

    by_plot: dict[int, list[tuple[Overdue, int]]] = {}
    min_amount, min_days = query.min_amount, query.min_days
    days_since: dict[datetime.date, int] = {}  # a few distinct dates among thousands of rows
    for item in found:
        since = item.since
        days = days_since.get(since)
        if days is None:
            days = days_since[since] = (on - since).days + 1
        if days >= min_days and item.overdue >= min_amount:
            rows_of = by_plot.get(item.plot_id)
            if rows_of is None:
                by_plot[item.plot_id] = [(item, days)]
            else:
                rows_of.append((item, days))
    totals = {plot_id: sum([item.overdue for item, _ in items], ZERO) for plot_id, items in by_plot.items()}
    if query.order == BY_NUMBER:
        order = sorted(by_plot, key=lambda plot_id: plots[plot_id][0])
    else:
        order = sorted(by_plot, key=lambda plot_id: (-totals[plot_id], plots[plot_id][0]))

    names = {pk: info.name for pk, info in articles.items()} | {ELECTRICITY: ELECTRICITY_NAME}
    places = {pk: (info.sort_order, info.name) for pk, info in articles.items()} | {ELECTRICITY: (-1, "")}
    entries = []
    for plot_id in order:
        items = by_plot[plot_id]
        if len(items) > 1:
            if query.order == BY_NUMBER:
                items.sort(key=lambda pair: places[pair[0].account])
            else:
                items.sort(key=lambda pair: (-pair[0].overdue, places[pair[0].account]))
        entries.append((plot_id, items[0][0], items[0][1], True))
        entries.extend([(plot_id, item, days, False) for item, days in items[1:]])
    rows = DebtorRows(entries, plots, names, totals)
    return DebtorsReport(query=query, rows=rows, total=sum(totals.values(), ZERO), plots=len(order))
