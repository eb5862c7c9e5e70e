import datetime
from decimal import Decimal

import pytest

from billing.models import Article
from billing.services.electricity import TariffMissing
from billing.services.ledger import plot_electricity_balance, plot_ledger
from tests.factories import (
    ArticleFactory,
    ChargeFactory,
    MeterFactory,
    PaymentFactory,
    PlotFactory,
    ReadingFactory,
    TariffFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plot():
    return PlotFactory(number=269)


@pytest.fixture
def electricity():
    return ArticleFactory(name="Электроэнергия", kind=Article.Kind.ELECTRICITY, sort_order=9)


def test_due_and_prepayment_per_article_and_totals(plot):
    membership = ArticleFactory(name="Членские взносы 2022", kind=Article.Kind.MEMBERSHIP, sort_order=1)
    target = ArticleFactory(name="Целевой взнос 2022", kind=Article.Kind.TARGET, sort_order=2)
    ChargeFactory(plot=plot, article=membership, amount=Decimal("7200.00"))
    PaymentFactory(plot=plot, article=membership, amount=Decimal("2000.00"))
    PaymentFactory(plot=plot, article=membership, amount=Decimal("200.50"), paid_on=datetime.date(2022, 4, 2))
    ChargeFactory(plot=plot, article=target, amount=Decimal("1500.00"))
    PaymentFactory(plot=plot, article=target, amount=Decimal("1800.00"))
    ChargeFactory(plot=PlotFactory(number=270), article=membership, amount=Decimal("999.00"))

    ledger = plot_ledger(plot_id=plot.pk)

    first, second = ledger.articles
    assert (first.name, first.charged, first.paid) == ("Членские взносы 2022", Decimal("7200.00"), Decimal("2200.50"))
    assert (first.due, first.prepayment) == (Decimal("4999.50"), Decimal("0.00"))
    assert (second.name, second.due, second.prepayment) == ("Целевой взнос 2022", Decimal("0.00"), Decimal("300.00"))
    assert ledger.due == Decimal("4999.50")
    assert ledger.prepayment == Decimal("300.00")


def test_articles_follow_sort_order_then_name(plot):
    for name, order in [("Б", 1), ("А", 1), ("В", 0)]:
        ChargeFactory(plot=plot, article=ArticleFactory(name=name, sort_order=order))

    assert [a.name for a in plot_ledger(plot_id=plot.pk).articles] == ["В", "А", "Б"]


def test_a_plot_without_rows_owes_nothing(plot):
    ledger = plot_ledger(plot_id=plot.pk)

    assert ledger.articles == ()
    assert (ledger.due, ledger.prepayment, ledger.electricity_paid) == (0, 0, 0)
    assert ledger.electricity_last_paid_on is None


def test_electricity_payments_total_and_last_date_apart_from_articles(plot, electricity):
    PaymentFactory(plot=plot, article=electricity, amount=Decimal("4121.45"), paid_on=datetime.date(2022, 6, 3))
    PaymentFactory(plot=plot, article=electricity, amount=Decimal("13.64"), paid_on=datetime.date(2022, 7, 4))
    PaymentFactory(plot=plot, article=electricity, amount=Decimal("100.00"), paid_on=datetime.date(2022, 5, 1))

    ledger = plot_ledger(plot_id=plot.pk)

    assert ledger.electricity_paid == Decimal("4235.09")
    assert ledger.electricity_last_paid_on == datetime.date(2022, 7, 4)
    # costs come from readings: the payments are not an advance on a «charged 0» row
    assert ledger.articles == ()
    assert ledger.prepayment == 0


def test_electricity_article_with_imported_charges_is_a_row(plot, electricity):
    ChargeFactory(plot=plot, article=electricity, amount=Decimal("500.00"))
    PaymentFactory(plot=plot, article=electricity, amount=Decimal("300.00"), paid_on=datetime.date(2022, 5, 5))

    ledger = plot_ledger(plot_id=plot.pk)

    (row,) = ledger.articles
    assert (row.charged, row.paid, row.due) == (Decimal("500.00"), Decimal("300.00"), Decimal("200.00"))
    assert ledger.electricity_paid == Decimal("300.00")


def test_electricity_balance_sets_costs_of_all_periods_against_payments(plot, electricity):
    TariffFactory(valid_from=datetime.date(2022, 1, 1))
    meter = MeterFactory(plot=plot)
    for taken_on, day, night in [((2022, 4, 1), 9012, 2901), ((2022, 5, 1), 9012, 2901), ((2022, 6, 1), 9532, 3118)]:
        ReadingFactory(meter=meter, taken_on=datetime.date(*taken_on), day=day, night=night)
    PaymentFactory(plot=plot, article=electricity, amount=Decimal("4000.00"), paid_on=datetime.date(2022, 6, 3))
    PaymentFactory(plot=plot, article=ArticleFactory(name="Членские взносы 2022"), amount=Decimal("777.00"))

    balance = plot_electricity_balance(plot_id=plot.pk)

    assert balance.charged == Decimal("4121.45")
    assert balance.paid == Decimal("4000.00")
    assert (balance.due, balance.prepayment) == (Decimal("121.45"), Decimal("0.00"))
    assert balance.last_paid_on == datetime.date(2022, 6, 3)


def test_electricity_overpayment_is_a_prepayment(plot, electricity):
    TariffFactory(valid_from=datetime.date(2022, 1, 1))
    meter = MeterFactory(plot=PlotFactory(number=270))
    ReadingFactory(meter=meter, taken_on=datetime.date(2022, 5, 1), day=344, night=244)
    ReadingFactory(meter=meter, taken_on=datetime.date(2022, 6, 1), day=346, night=244)
    PaymentFactory(plot=meter.plot, article=electricity, amount=Decimal("20.00"))

    balance = plot_electricity_balance(plot_id=meter.plot_id)

    assert (balance.charged, balance.due, balance.prepayment) == (Decimal("13.64"), 0, Decimal("6.36"))


def test_electricity_balance_without_a_tariff_is_an_error(plot):
    meter = MeterFactory(plot=plot)
    ReadingFactory(meter=meter, taken_on=datetime.date(2022, 5, 1), day=1)
    ReadingFactory(meter=meter, taken_on=datetime.date(2022, 6, 1), day=2)

    with pytest.raises(TariffMissing):
        plot_electricity_balance(plot_id=plot.pk)
