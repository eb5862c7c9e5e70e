"""The demo billing data is loaded through the imports and matches the member instruction."""

import datetime
from decimal import Decimal

import pytest

from billing.line_balance import line_balance
from billing.models import Article, Charge, FeeRate, ImportBatch, Meter, Payment, Plot, Reading, Tariff
from demo import billing as demo

pytestmark = pytest.mark.django_db


def _state():
    return [
        list(model.objects.order_by("pk").values())
        for model in (Plot, Meter, Reading, Charge, Payment, Article, FeeRate, Tariff, ImportBatch)
    ]


def test_demo_has_the_instruction_figures():
    demo.load_demo()

    assert Plot.objects.count() == 300
    plots = {plot.number: plot for plot in Plot.objects.filter(number__in=[269, 270])}
    for plot in plots.values():
        assert (plot.street, plot.area, plot.electrified, plot.has_new_meter) == ("5", Decimal("7.20"), True, True)
        assert plot.meters.get().kind == Meter.Kind.TWO_ZONE
    assert (plots[269].owner_email, plots[269].owner_phone) == ("member269@example.org", "89031221105")

    def readings(number):
        return list(
            Reading.objects.filter(meter__plot__number=number)
            .order_by("taken_on")
            .values_list("taken_on", "day", "night")
        )

    april, may, june = datetime.date(2022, 4, 1), datetime.date(2022, 5, 1), datetime.date(2022, 6, 1)
    assert readings(269) == [(april, 9012, 2901), (may, 9012, 2901), (june, 9532, 3118)]
    assert readings(270) == [(april, 344, 244), (may, 344, 244), (june, 346, 244)]

    tariff = Tariff.objects.get()
    assert (tariff.valid_from, tariff.single_rate, tariff.day_rate, tariff.night_rate) == (
        datetime.date(2022, 1, 1),
        Decimal("5.93"),
        Decimal("6.82"),
        Decimal("2.65"),
    )
    membership = Article.objects.get(name="Членские взносы 2022")
    assert membership.kind == Article.Kind.MEMBERSHIP
    assert Article.objects.get(name="Электроэнергия").kind == Article.Kind.ELECTRICITY
    assert (membership.fee_rate.rate, membership.fee_rate.accrue_on) == (Decimal("1000.00"), datetime.date(2022, 1, 1))

    for number in (269, 270):
        charge = Charge.objects.get(plot__number=number)
        assert (charge.article, charge.amount) == (membership, Decimal("7200.00"))
        assert not Payment.objects.filter(plot__number=number).exists()
    assert Charge.objects.count() == 300
    assert Payment.objects.exists()

    newest = ImportBatch.objects.filter(kind__in=["charges", "payments"]).order_by("-created_at", "-pk").first()
    assert newest.as_of == datetime.date(2022, 4, 26)
    assert set(ImportBatch.objects.values_list("kind", flat=True)) == {"plots", "readings", "charges", "payments"}


def test_demo_twice_changes_nothing():
    demo.load_demo()
    before = _state()

    demo.load_demo()

    assert _state() == before


def test_demo_main_meter_shows_a_realistic_loss():
    demo.load_demo()
    rows = line_balance().rows
    assert [(row.month, row.main_meter) for row in rows] == [
        (datetime.date(2022, 5, 1), "Ввод ТП-1"),
        (datetime.date(2022, 4, 1), "Ввод ТП-1"),
    ]
    for row in rows:
        assert Decimal("6") <= row.loss_percent <= Decimal("10")
        assert row.loss_cost > 0 and row.plots.missing == 0
