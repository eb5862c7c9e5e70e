"""What is overdue on a date, account by account, computed by the database for every plot at once
(the debtors report reads thousands of plots × years of history per request).

The result is `items.Account.overdue(on)` and `overdue_since(on)` of the accounts made of charges
(an article of the plot), without building the items: within one article the items' due order is
the order they were charged in (`DuePolicy.for_charge` is a fixed date, or the charge's date plus a
constant), the charges due before `on` are the first items, and the payments up to `on` pay the
positive ones oldest first. So, in kopecks, with P the article's payments up to `on`, D+ and D− the
positive and negative overdue charges:

    overdue = max(D+ − P, 0) + D−
    oldest unpaid = the first positive overdue charge whose running total of positive ones exceeds P

The electricity periods (bills from readings, one account per plot) stay in Python: see
`electricity_accounts`. tests/billing/test_debtors.py checks both against `load_debts` on
histories with partial, late, excess and negative amounts."""

import datetime
from collections import defaultdict
from collections.abc import Collection
from decimal import Decimal
from typing import NamedTuple

from django.db import connection
from django.db.models import Exists, OuterRef

from billing.models import Article, Charge, Payment
from billing.services.debts.items import ELECTRICITY, ONE_DAY, Account, ArticleInfo, BillRow, PaymentRow, plot_debts
from billing.services.debts.policy import DuePolicy

OVERDUE_SQL = """
WITH paid AS (
    SELECT plot_id, article_id, SUM(CAST(ROUND(amount * 100) AS BIGINT)) AS kop
    FROM {payment} WHERE paid_on <= %s GROUP BY plot_id, article_id
), due AS (
    SELECT plot_id, article_id, accrued_on, CAST(ROUND(amount * 100) AS BIGINT) AS kop
    FROM {charge} WHERE {late}
), running AS (
    SELECT plot_id, article_id, accrued_on, kop,
        SUM(CASE WHEN kop > 0 THEN kop ELSE 0 END)
            OVER (PARTITION BY plot_id, article_id ORDER BY accrued_on) AS run
    FROM due
), accounts AS (
    SELECT r.plot_id, r.article_id,
        SUM(CASE WHEN r.kop > 0 THEN r.kop ELSE 0 END) AS owed,
        SUM(CASE WHEN r.kop < 0 THEN r.kop ELSE 0 END) AS credit,
        COALESCE(MAX(p.kop), 0) AS paid,
        MIN(CASE WHEN r.kop > 0 AND r.run > COALESCE(p.kop, 0) THEN r.accrued_on END) AS first_unpaid
    FROM running r LEFT JOIN paid p ON p.plot_id = r.plot_id AND p.article_id = r.article_id
    GROUP BY r.plot_id, r.article_id
), late AS (
    SELECT plot_id, article_id, CASE WHEN owed > paid THEN owed - paid ELSE 0 END + credit AS overdue, first_unpaid
    FROM accounts
)
SELECT plot_id, article_id, overdue, first_unpaid FROM late WHERE overdue > 0
"""


class Overdue(NamedTuple):
    plot_id: int
    account: int | str
    overdue: Decimal
    since: datetime.date  # the first late day of the oldest unpaid item


def _day(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value)[:10])


def charge_accounts(
    *,
    on: datetime.date,
    articles: dict[int, ArticleInfo],
    policy: DuePolicy,
    article_ids: Collection[int] | None = None,
) -> list[Overdue]:
    """Every plot's articles with something overdue on `on` (only those of `article_ids` if
    given): one query."""
    cutoffs: dict[datetime.date, list[int]] = defaultdict(list)
    for info in articles.values():
        if article_ids is not None and info.pk not in article_ids:
            continue
        cutoff = policy.late_if_accrued_before(kind=info.kind, year=info.year, due_on=info.due_on, on=on)
        if cutoff is not None:
            cutoffs[cutoff].append(info.pk)
    late, params = [], [on]
    for cutoff, ids in cutoffs.items():
        late.append(f"(article_id IN ({', '.join(['%s'] * len(ids))}) AND accrued_on < %s)")
        params += [*ids, cutoff]
    sql = OVERDUE_SQL.format(
        payment=connection.ops.quote_name(Payment._meta.db_table),
        charge=connection.ops.quote_name(Charge._meta.db_table),
        late=" OR ".join(late) or "1 = 0",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    since: dict[tuple[int, object], datetime.date] = {}  # a few articles × dates: each computed once
    found = []
    for plot_id, article, kopecks, first_unpaid in rows:
        day = since.get((article, first_unpaid))
        if day is None:
            info = articles[article]
            due_on = policy.for_charge(
                kind=info.kind, year=info.year, due_on=info.due_on, accrued_on=_day(first_unpaid)
            )
            day = since[article, first_unpaid] = due_on + ONE_DAY
        found.append(Overdue(plot_id, article, Decimal(int(kopecks)).scaleb(-2), day))
    return found


def electricity_payments(on: datetime.date) -> dict[int, list[PaymentRow]]:
    """The payments up to `on` that pay the electricity periods: those of an electricity article
    the plot has no charges of (as `items.plot_debts` routes them). One query."""
    charged = Charge.objects.filter(plot_id=OuterRef("plot_id"), article_id=OuterRef("article_id"))
    rows = (
        Payment.objects.order_by()
        .filter(article__kind=Article.Kind.ELECTRICITY, paid_on__lte=on)
        .exclude(Exists(charged))
        .values_list("plot_id", "article_id", "paid_on", "amount", "document")
    )
    found: dict[int, list[PaymentRow]] = defaultdict(list)
    for row in rows:
        found[row[0]].append(PaymentRow(*row))
    return found


def electricity_accounts(
    *,
    on: datetime.date,
    articles: dict[int, ArticleInfo],
    policy: DuePolicy,
    bills: dict[int, list[BillRow]],
    payments: dict[int, list[PaymentRow]],
) -> list[Overdue]:
    """The electricity account of every plot with bills, overdue on `on`."""
    found = []
    for plot_id, rows in bills.items():
        debts = plot_debts(
            plot_id=plot_id,
            articles=articles,
            charges=(),
            payments=payments.get(plot_id, ()),
            bills=rows,
            policy=policy,
        )
        account: Account = debts.accounts[ELECTRICITY]
        overdue = account.overdue(on)
        if overdue > 0:
            found.append(Overdue(plot_id, ELECTRICITY, overdue, account.overdue_since(on)))
    return found
