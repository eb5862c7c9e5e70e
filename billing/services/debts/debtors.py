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

Eight queries whatever the number of plots (plots, articles, due settings, charges, payments,
and the electricity bills' meters, readings and tariffs); the view adds none per row."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from billing.models import Plot
from billing.services.debts.items import ZERO, ArticleInfo, PaymentRow, plot_debts
from billing.services.debts.loading import load_articles, load_bills, load_rows
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


@dataclass(frozen=True, slots=True)
class DebtorRow:
    plot_id: int
    number: int
    owner: str
    account: int | str
    article: str
    overdue: Decimal
    since: datetime.date  # the first late day of the oldest unpaid item
    days: int
    last_paid_on: datetime.date | None
    last_paid: Decimal | None
    plot_total: Decimal
    first_of_plot: bool  # the plot's first row: the table shows the plot's cells once


@dataclass(frozen=True, slots=True)
class DebtorsReport:
    query: DebtorsQuery
    rows: list[DebtorRow]
    total: Decimal
    plots: int


def last_payment(payments: Iterable[PaymentRow], on: datetime.date) -> tuple[datetime.date | None, Decimal | None]:
    """The latest day on or before `on` with a payment, and that day's sum."""
    last, amount = None, ZERO
    for row in payments:
        if row.paid_on > on:
            continue
        if last is None or row.paid_on > last:
            last, amount = row.paid_on, row.amount
        elif row.paid_on == last:
            amount += row.amount
    return last, (amount if last is not None else None)


def debtors(query: DebtorsQuery, *, articles: dict[int, ArticleInfo] | None = None) -> DebtorsReport:
    """The rows the filters leave, sorted by the plot's total (largest first) or by plot number.
    `articles` saves the query when the caller has loaded them (the form's choices)."""
    on = query.on
    policy = DuePolicy.current()
    articles = load_articles() if articles is None else articles
    plots = list(Plot.objects.order_by("number").values_list("pk", "number", "owner_name"))
    charges, payments = load_rows(None)
    bills = load_bills([pk for pk, _, _ in plots])

    groups: list[tuple[Decimal, int, int, str, list[tuple]]] = []
    for plot_id, number, owner in plots:
        if plot_id not in charges and plot_id not in bills:
            continue  # nothing was ever charged: nothing can be overdue
        debts = plot_debts(
            plot_id=plot_id,
            articles=articles,
            charges=charges[plot_id],
            payments=payments.get(plot_id, ()),
            bills=bills.get(plot_id, ()),
            policy=policy,
        )
        found = []
        for key, account in debts.accounts.items():
            if query.account is not None and key != query.account:
                continue
            overdue = account.overdue(on)
            if overdue <= 0 or overdue < query.min_amount:
                continue
            since = account.overdue_since(on)
            days = (on - since).days + 1
            if days < query.min_days:
                continue
            found.append((account, overdue, since, days))
        if found:
            groups.append((sum((item[1] for item in found), ZERO), number, plot_id, owner, found))

    if query.order == BY_NUMBER:
        groups.sort(key=lambda group: group[1])
    else:
        groups.sort(key=lambda group: (-group[0], group[1]))
    rows = []
    for plot_total, number, plot_id, owner, accounts in groups:
        if query.order == BY_NUMBER:
            accounts.sort(key=lambda item: (item[0].sort_order, item[0].name))
        else:
            accounts.sort(key=lambda item: (-item[1], item[0].sort_order, item[0].name))
        last_on, last_amount = last_payment(payments.get(plot_id, ()), on)
        for index, (account, overdue, since, days) in enumerate(accounts):
            rows.append(
                DebtorRow(
                    plot_id=plot_id,
                    number=number,
                    owner=owner,
                    account=account.key,
                    article=account.name,
                    overdue=overdue,
                    since=since,
                    days=days,
                    last_paid_on=last_on,
                    last_paid=last_amount,
                    plot_total=plot_total,
                    first_of_plot=index == 0,
                )
            )
    total = sum((group[0] for group in groups), ZERO)
    return DebtorsReport(query=query, rows=rows, total=total, plots=len(groups))
