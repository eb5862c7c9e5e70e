"""Loads what the debt arithmetic reads, for any number of plots in a fixed number of queries:
articles, charges, payments (as plain rows) and the electricity periods' bills."""

from collections import defaultdict
from collections.abc import Iterable

from billing.models import Article, Charge, Payment, Plot
from billing.services.debts.items import ArticleInfo, BillRow, ChargeRow, PaymentRow, PlotDebts, plot_debts
from billing.services.debts.policy import DuePolicy


def load_articles() -> dict[int, ArticleInfo]:
    rows = Article.objects.order_by().values_list("pk", "name", "kind", "year", "due_on", "sort_order")
    return {row[0]: ArticleInfo(*row) for row in rows}


def load_bills(plot_ids: list[int]) -> dict[int, list[BillRow]]:
    """Periods without a tariff in force are left out: their cost is unknown, not zero (the cabinet
    says so on «Мое электричество»)."""
    from billing.selectors import period_bills  # selectors build on the services, not the reverse

    bills: dict[int, list[BillRow]] = defaultdict(list)
    for line in period_bills(plot_ids=plot_ids):
        if line.owed is not None:
            p = line.period
            bills[line.plot_id].append(BillRow(line.plot_id, p.start, p.end, line.owed, p.day, p.night))
    return bills


def load_debts(*, plot_ids: Iterable[int] | None = None, policy: DuePolicy | None = None) -> dict[int, PlotDebts]:
    """Every plot's debts (`plot_ids=None`: all plots): seven queries whatever their number."""
    policy = policy or DuePolicy.current()
    articles = load_articles()
    charges_qs, payments_qs = Charge.objects.order_by(), Payment.objects.order_by()
    if plot_ids is None:
        ids = list(Plot.objects.order_by().values_list("pk", flat=True))
    else:
        ids = sorted({int(pk) for pk in plot_ids})
        charges_qs, payments_qs = charges_qs.filter(plot_id__in=ids), payments_qs.filter(plot_id__in=ids)
    charges: dict[int, list[ChargeRow]] = defaultdict(list)
    for row in charges_qs.values_list("plot_id", "article_id", "accrued_on", "amount"):
        charges[row[0]].append(ChargeRow(*row))
    payments: dict[int, list[PaymentRow]] = defaultdict(list)
    for row in payments_qs.values_list("plot_id", "article_id", "paid_on", "amount", "document"):
        payments[row[0]].append(PaymentRow(*row))
    bills = load_bills(ids)
    return {
        plot_id: plot_debts(
            plot_id=plot_id,
            articles=articles,
            charges=charges[plot_id],
            payments=payments[plot_id],
            bills=bills[plot_id],
            policy=policy,
        )
        for plot_id in ids
    }
