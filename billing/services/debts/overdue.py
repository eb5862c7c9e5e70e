"""The electricity periods' side of the debtors report: the bills from readings (one account a
plot) laid with the payments in Python, as the cabinet does (`items.plot_debts`); the articles'
side is computed by the database (`ranking`). tests/billing/test_debtors.py checks both against
`load_debts` on histories with partial, late, excess and negative amounts."""

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Exists, OuterRef

from billing.models import Article, Charge, Payment
from billing.services.debts.items import ELECTRICITY, Account, ArticleInfo, BillRow, PaymentRow, plot_debts
from billing.services.debts.policy import DuePolicy


class Overdue(NamedTuple):
    plot_id: int
    account: int | str
    overdue: Decimal
    since: datetime.date  # the first late day of the oldest unpaid item


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
