"""Debts item by item, penalties by the rules, and their accrual as charges of «Пени»."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from billing.models import Article, Charge, PenaltyRule
from billing.services.debts.accrual import AccrualRefused, penalties_accrue, penalties_recompute
from billing.services.debts.items import ELECTRICITY
from billing.services.debts.loading import load_debts
from billing.services.debts.policy import DuePolicy
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
D = datetime.date


def rule(**fields) -> PenaltyRule:
    values = {"name": "Пени по уставу", "rate": Decimal("0.1"), "valid_from": D(2020, 1, 1), "cap": "none"} | fields
    return PenaltyRule.objects.create(**values)


@pytest.fixture
def fee():
    """Plot 269's membership 2022: 1 000,00 due 1 July 2022 (the default rule for a year's fee)."""
    article = ArticleFactory(name="Членские взносы 2022", kind=Article.Kind.MEMBERSHIP, year=2022)
    charge = ChargeFactory(plot=PlotFactory(number=269), article=article, amount=Decimal("1000.00"))
    return charge


def test_golden_plot_269_owes_the_may_electricity_and_nothing_of_its_paid_fee():
    plot = PlotFactory(number=269)
    membership = ArticleFactory(name="Членские взносы 2022", kind=Article.Kind.MEMBERSHIP, year=2022)
    ChargeFactory(plot=plot, article=membership, amount=Decimal("7200.00"), accrued_on=D(2022, 1, 1))
    PaymentFactory(plot=plot, article=membership, amount=Decimal("7200.00"), paid_on=D(2022, 6, 10), document="41")
    TariffFactory()
    meter = MeterFactory(plot=plot)
    ReadingFactory(meter=meter, taken_on=D(2022, 5, 1), day=9012, night=2901)
    ReadingFactory(meter=meter, taken_on=D(2022, 6, 1), day=9532, night=3118)

    debts = load_debts(plot_ids=[plot.pk])[plot.pk]
    fee, power = debts.accounts[membership.pk], debts.accounts[ELECTRICITY]
    assert fee.overdue(D(2022, 7, 2)) == 0 and fee.items[0].due_on == D(2022, 7, 1)
    [may] = power.items
    assert (may.title, may.amount, may.due_on) == ("Электроэнергия за май 2022", Decimal("4121.45"), D(2022, 6, 5))
    assert power.overdue(D(2022, 6, 5)) == 0  # the due day itself is not late
    assert power.overdue(D(2022, 6, 6)) == Decimal("4121.45")
    assert power.overdue_since(D(2022, 7, 1)) == D(2022, 6, 6)
    assert debts.overdue(D(2022, 7, 1)) == Decimal("4121.45")


def test_an_article_date_wins_and_a_late_charge_is_due_when_charged():
    policy = DuePolicy(fee_month=7, fee_day=1, electricity_day=10, other_days=14)
    kinds = Article.Kind
    assert policy.for_charge(kind=kinds.TARGET, year=2022, due_on=D(2022, 9, 1), accrued_on=D(2022, 1, 1)) == D(
        2022, 9, 1
    )
    assert policy.for_charge(kind=kinds.MEMBERSHIP, year=2022, due_on=None, accrued_on=D(2022, 8, 1)) == D(2022, 8, 1)
    assert policy.for_charge(kind=kinds.OTHER, year=None, due_on=None, accrued_on=D(2022, 8, 1)) == D(2022, 8, 15)
    assert policy.for_period(D(2022, 6, 1)) == D(2022, 6, 10)
    assert policy.for_period(D(2022, 6, 15)) == D(2022, 7, 10)
    assert policy.for_period(D(2023, 1, 1)) == D(2023, 1, 10)


def test_payments_pay_the_oldest_due_first_and_the_rest_is_an_advance():
    plot = PlotFactory()
    article = ArticleFactory(kind=Article.Kind.OTHER)
    ChargeFactory(plot=plot, article=article, amount=Decimal("300.00"), accrued_on=D(2022, 3, 1))
    ChargeFactory(plot=plot, article=article, amount=Decimal("200.00"), accrued_on=D(2022, 1, 1))
    PaymentFactory(plot=plot, article=article, amount=Decimal("250.00"), paid_on=D(2022, 2, 1))
    PaymentFactory(plot=plot, article=article, amount=Decimal("300.00"), paid_on=D(2022, 4, 1))
    account = load_debts(plot_ids=[plot.pk])[plot.pk].accounts[article.pk]
    assert [(i.amount, i.outstanding()) for i in account.items] == [
        (Decimal("200.00"), 0),
        (Decimal("300.00"), 0),
    ]
    assert account.advance == Decimal("50.00")
    assert account.items[1].paid == [(D(2022, 2, 1), Decimal("50.00")), (D(2022, 4, 1), Decimal("250.00"))]


@pytest.mark.parametrize(
    ("fields", "payments", "expected"),
    [
        ({}, [], "10.00"),  # 1 000 × 0,1 % × 10 days (2–11 July)
        ({}, [(D(2022, 7, 6), "500.00")], "7.00"),  # 4 days of 1 000, 6 of 500: the day paid is not late
        ({"grace_days": 5}, [], "5.00"),  # 7–11 July
        ({"rate": Decimal("5"), "cap": "debt"}, [], "500.00"),  # 10 × 50 = 500: under the cap
        ({"rate": Decimal("20"), "cap": "debt"}, [], "1000.00"),  # 2 000 capped by the debt
        ({"rate": Decimal("5"), "cap": "percent", "cap_percent": Decimal("10")}, [], "100.00"),
        ({"valid_from": D(2022, 7, 9)}, [], "3.00"),  # a rule in force from 9 July
        ({}, [(D(2022, 6, 30), "1000.00")], "0.00"),  # paid in time
    ],
)
def test_penalty_per_day_of_the_unpaid_amount(fee, fields, payments, expected):
    rule(**fields)
    for day, amount in payments:
        PaymentFactory(plot=fee.plot, article=fee.article, paid_on=day, amount=Decimal(amount))
    result = penalties_accrue(on=D(2022, 7, 11), dry_run=True)
    assert result.difference == Decimal(expected)
    assert not Charge.objects.filter(article__kind=Article.Kind.PENALTY).exists()  # a dry run writes nothing


def test_two_rules_one_after_the_other_each_for_its_days(fee):
    rule(valid_to=D(2022, 7, 5))
    rule(rate=Decimal("0.2"), valid_from=D(2022, 7, 6))
    assert penalties_accrue(on=D(2022, 7, 11), dry_run=True).difference == Decimal("16.00")  # 4 × 1 + 6 × 2


def test_accrual_is_idempotent_and_an_earlier_payment_recomputes(fee):
    rule()
    first = penalties_accrue(on=D(2022, 7, 11))
    assert (first.created, first.difference) == (1, Decimal("10.00"))
    assert penalties_accrue(on=D(2022, 7, 11)).changes == []  # twice for one date adds nothing
    penalties_accrue(on=D(2022, 7, 21))
    rows = list(Charge.objects.filter(article__kind=Article.Kind.PENALTY).values_list("accrued_on", "amount"))
    assert rows == [(D(2022, 7, 11), Decimal("10.00")), (D(2022, 7, 21), Decimal("10.00"))]

    # the bank statement of later brings a payment of 6 July
    PaymentFactory(plot=fee.plot, article=fee.article, paid_on=D(2022, 7, 6), amount=Decimal("1000.00"))
    again = penalties_recompute()
    assert (again.updated, again.deleted) == (1, 1)
    rows = list(Charge.objects.filter(article__kind=Article.Kind.PENALTY).values_list("accrued_on", "amount"))
    assert rows == [(D(2022, 7, 11), Decimal("4.00"))]
    assert Article.objects.get(kind=Article.Kind.PENALTY).name == "Пени"


def test_penalties_earn_no_penalties(fee):
    rule(for_other=True)
    penalties_accrue(on=D(2022, 7, 11))
    assert penalties_accrue(on=D(2022, 8, 11), dry_run=True).difference == Decimal("31.00")  # the fee only


@pytest.mark.parametrize(
    ("on", "message"),
    [
        (D(2099, 1, 1), "ещё не наступила"),
        (D(2021, 12, 31), r"раньше первого начисления \(01\.01\.2022\)"),
    ],
)
def test_refused_dates_accrue_nothing(fee, on, message):
    rule()
    with pytest.raises(AccrualRefused, match=message):
        penalties_accrue(on=on)
    assert Charge.objects.count() == 1


def test_without_rules_nothing_is_accrued(fee):
    with pytest.raises(AccrualRefused, match="Нет ни одного правила"):
        penalties_accrue(on=D(2022, 7, 11))


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"rate": Decimal("-0.1")}, "rate", "больше нуля"),
        ({"cap": "percent"}, "cap_percent", "Укажите предел"),
        ({"valid_to": D(2019, 1, 1)}, "valid_to", "раньше даты начала"),
        ({"for_membership": False, "for_target": False}, "for_membership", "хотя бы одну"),
        ({"valid_from": D(2021, 1, 1), "for_target": False}, "valid_from", "пересекается"),
    ],
)
def test_bad_rules_are_refused_in_russian(fields, field, message):
    rule(for_target=True, for_membership=True)
    bad = PenaltyRule(**({"name": "Другое", "rate": Decimal("0.2"), "valid_from": D(2023, 1, 1)} | fields))
    with pytest.raises(ValidationError) as refused:
        bad.full_clean()
    assert message in " ".join(refused.value.message_dict[field])


def test_a_rule_for_other_kinds_does_not_overlap():
    rule(for_membership=True, for_target=False)
    PenaltyRule(
        name="Свет",
        rate=Decimal("0.05"),
        valid_from=D(2020, 1, 1),
        for_membership=False,
        for_target=False,
        for_electricity=True,
    ).full_clean()
