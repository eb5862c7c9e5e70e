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

The database computes the articles' overdue amounts, filters, totals and orders the plots and
picks the page's plots in one query (`ranking.ranked`); the electricity periods are billed from the
readings in Python and sent into it. Python makes only the page's rows. Eight queries whatever the
number of plots (articles, due settings, the metered plots, the electricity payments, the bills'
meters, readings and tariffs: none when no plot has a meter, and the ranked rows), and one for the
last payments of the rows shown."""

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db.models import OuterRef, Subquery, Sum

from billing.models import Meter, Payment
from billing.services.debts.items import ELECTRICITY, ELECTRICITY_NAME, ONE_DAY, ZERO, ArticleInfo
from billing.services.debts.loading import load_articles, load_bills
from billing.services.debts.overdue import Overdue, electricity_accounts, electricity_payments
from billing.services.debts.policy import DuePolicy
from billing.services.debts.ranking import EVERY_ROW, Ranked, ranked

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


@dataclass(frozen=True, slots=True)
class DebtorsReport:
    """`rows`: every row, or a page of them (`debtors(page=…)`) starting at row `start` of
    `count`; `total` and `plots` are of every row."""

    query: DebtorsQuery
    rows: list[DebtorRow]
    total: Decimal
    plots: int
    count: int
    start: int = 0


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


def debtors(
    query: DebtorsQuery,
    *,
    articles: dict[int, ArticleInfo] | None = None,
    page: int | None = None,
    per_page: int = EVERY_ROW,
) -> DebtorsReport:
    """The rows the filters leave, sorted by the plot's total (largest first) or by plot number;
    with `page`, only that page of `per_page` rows (clamped as `Paginator.get_page`), the totals
    still of every row. `articles` saves the query when the caller has loaded them."""
    on = query.on
    policy = DuePolicy.current()
    articles = load_articles() if articles is None else articles
    power = _electricity(query, articles, policy)
    size = EVERY_ROW if page is None else per_page
    only = None if query.account is None else ({query.account} if query.account != ELECTRICITY else set())
    found = ranked(
        on=on,
        articles=articles,
        policy=policy,
        article_ids=only,
        min_kop=math.ceil(query.min_amount * 100),
        min_days=query.min_days,
        electricity=[(plot_id, int(item.overdue * 100)) for plot_id, item in power.items()],
        order=query.order,
        page=1 if page is None else page,
        size=size,
    )
    rows = _page_rows(found, query, articles, policy, power, size)
    total = Decimal(found.total_kop).scaleb(-2)
    return DebtorsReport(query=query, rows=rows, total=total, plots=found.plots, count=found.lines, start=found.start)


def _electricity(query: DebtorsQuery, articles: dict[int, ArticleInfo], policy: DuePolicy) -> dict[int, Overdue]:
    """The electricity by readings of every metered plot that meets the filters, by plot."""
    with_meters = list(Meter.objects.order_by().values_list("plot_id", flat=True).distinct())
    bills = load_bills(with_meters)  # the meters' plots only: a shorter list to send
    paid = electricity_payments(query.on)
    if query.account not in (None, ELECTRICITY):
        return {}
    found = electricity_accounts(on=query.on, articles=articles, policy=policy, bills=bills, payments=paid)
    return {
        item.plot_id: item
        for item in found
        if item.overdue >= query.min_amount and (query.on - item.since).days + 1 >= query.min_days
    }


def _page_rows(
    found: Ranked,
    query: DebtorsQuery,
    articles: dict[int, ArticleInfo],
    policy: DuePolicy,
    power: dict[int, Overdue],
    size: int,
) -> list[DebtorRow]:
    """The page's rows out of its plots' rows: each plot's rows in order (the largest first, or
    the articles' order), numbered from the plot's first row, those of the page kept."""
    on = query.on
    names = {pk: info.name for pk, info in articles.items()} | {ELECTRICITY: ELECTRICITY_NAME}
    places = {pk: (info.sort_order, info.name, pk) for pk, info in articles.items()} | {ELECTRICITY: (-1, "", 0)}
    by_plot: dict[int, list[DebtorRow]] = {}
    dates: dict[tuple, datetime.date] = {}  # a few articles × dates among thirty thousand rows (the XLSX)
    for line in found.lines_of_page_plots:
        if line.article_id is None:
            account, since = ELECTRICITY, power[line.plot_id].since
        else:
            account = line.article_id
            since = dates.get((account, line.first_unpaid))
            if since is None:
                info = articles[account]
                fields = {"kind": info.kind, "year": info.year, "due_on": info.due_on}
                since = policy.for_charge(**fields, accrued_on=_day(line.first_unpaid)) + ONE_DAY
                dates[account, line.first_unpaid] = since
        row = DebtorRow(
            line.plot_id, line.number, line.owner, account, names[account], Decimal(line.kop).scaleb(-2), since,
            (on - since).days + 1, Decimal(line.plot_kop).scaleb(-2), False,
        )  # fmt: skip
        by_plot.setdefault(line.first_row, []).append(row)
    if query.order == BY_NUMBER:
        key = lambda row: places[row.account]  # noqa: E731
    else:
        key = lambda row: (-row.overdue, places[row.account])  # noqa: E731
    rows = []
    for first_row, plot_rows in by_plot.items():
        plot_rows.sort(key=key)
        for index, row in enumerate(plot_rows, start=first_row):
            if found.start <= index < found.start + size:
                rows.append(row._replace(first_of_plot=index == first_row))
    return rows


def _day(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value)[:10])
