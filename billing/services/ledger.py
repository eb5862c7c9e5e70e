"""What a plot was charged and paid, per article, and where it stands.

Pure functions over loaded rows (charges and payments with their article) plus thin
wrappers that load one plot's rows.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from billing.models import Article, Charge, Meter, Payment, Reading, Tariff
from billing.services.electricity import PeriodBill, plot_bills

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Balance:
    charged: Decimal
    paid: Decimal

    @property
    def due(self) -> Decimal:
        return max(self.charged - self.paid, ZERO)

    @property
    def prepayment(self) -> Decimal:
        """Paid beyond what was charged: an advance."""
        return max(self.paid - self.charged, ZERO)


@dataclass(frozen=True)
class ArticleBalance(Balance):
    article_id: int
    name: str
    kind: str
    sort_order: int


@dataclass(frozen=True)
class PlotLedger:
    """A plot's statement: one balance per article; totals add the articles' dues and
    advances (an advance on one article does not pay another)."""

    plot_id: int
    articles: tuple[ArticleBalance, ...]
    electricity_paid: Decimal
    electricity_last_paid_on: datetime.date | None

    @property
    def due(self) -> Decimal:
        return sum((a.due for a in self.articles), ZERO)

    @property
    def prepayment(self) -> Decimal:
        return sum((a.prepayment for a in self.articles), ZERO)


@dataclass(frozen=True)
class ElectricityBalance(Balance):
    """Derived electricity costs of all periods (`charged`) against electricity payments."""

    last_paid_on: datetime.date | None


def plot_ledger_from_rows(*, plot_id: int, charges: Iterable[Charge], payments: Iterable[Payment]) -> PlotLedger:
    """Balances per article that has charges or payments.

    Electricity is charged by readings, not by Charge rows, so an electricity article with
    payments only is left out of the articles (its payments would look like an advance);
    electricity payments are summed apart.
    """
    articles: dict[int, Article] = {}
    charged: dict[int, Decimal] = {}
    paid: dict[int, Decimal] = {}
    for charge in charges:
        articles[charge.article_id] = charge.article
        charged[charge.article_id] = charged.get(charge.article_id, ZERO) + charge.amount
    electricity_paid, last_paid_on = ZERO, None
    for payment in payments:
        article = payment.article
        if article.kind == Article.Kind.ELECTRICITY:
            electricity_paid += payment.amount
            last_paid_on = max(last_paid_on or payment.paid_on, payment.paid_on)
            if payment.article_id not in charged:
                continue
        articles[payment.article_id] = article
        paid[payment.article_id] = paid.get(payment.article_id, ZERO) + payment.amount
    rows = []
    for article_id, article in articles.items():
        rows.append(
            ArticleBalance(
                article_id=article_id,
                name=article.name,
                kind=article.kind,
                sort_order=article.sort_order,
                charged=charged.get(article_id, ZERO),
                paid=paid.get(article_id, ZERO),
            )
        )
    rows.sort(key=lambda a: (a.sort_order, a.name))
    return PlotLedger(
        plot_id=plot_id,
        articles=tuple(rows),
        electricity_paid=electricity_paid,
        electricity_last_paid_on=last_paid_on,
    )


def electricity_balance_from_rows(*, bills: Iterable[PeriodBill], payments: Iterable[Payment]) -> ElectricityBalance:
    """What the plot owes for all its periods against its electricity payments."""
    owed = sum((b.owed for b in bills), ZERO)
    electric = [p for p in payments if p.article.kind == Article.Kind.ELECTRICITY]
    return ElectricityBalance(
        charged=owed,
        paid=sum((p.amount for p in electric), ZERO),
        last_paid_on=max((p.paid_on for p in electric), default=None),
    )


def plot_ledger(*, plot_id: int) -> PlotLedger:
    charges = Charge.objects.filter(plot_id=plot_id).select_related("article")
    payments = Payment.objects.filter(plot_id=plot_id).select_related("article")
    return plot_ledger_from_rows(plot_id=plot_id, charges=charges, payments=payments)


def plot_electricity_balance(*, plot_id: int) -> ElectricityBalance:
    """Raises TariffMissing when a period has no tariff: the balance would be wrong."""
    bills = plot_bills(
        plot_id=plot_id,
        meters=list(Meter.objects.filter(plot_id=plot_id)),
        readings=Reading.objects.filter(meter__plot_id=plot_id),
        tariffs=list(Tariff.objects.all()),
    )
    payments = Payment.objects.filter(plot_id=plot_id, article__kind=Article.Kind.ELECTRICITY).select_related(
        "article"
    )
    return electricity_balance_from_rows(bills=bills, payments=payments)
