"""The акт сверки's numbers: opening balance, every charge and payment of the period in date order,
closing balance per account and in total; the period's refusals in Russian."""

import datetime
from decimal import Decimal

import pytest

from billing.models import Article
from billing.selectors import payment_status
from billing.services.debts.items import ELECTRICITY
from billing.services.debts.loading import load_debts
from billing.services.debts.reconciliation import (
    CHARGE,
    PAYMENT,
    Period,
    default_period,
    load_reconciliation,
    period_problems,
    plot_headings,
)
from tests.billing.reconciliation_data import FEE, POWER, golden_269
from tests.factories import ArticleFactory, ChargeFactory, MeterFactory, PaymentFactory, PlotFactory, ReadingFactory

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2024, 1, 15)
FIRST = D(2022, 1, 1)


def act(plot, start=FIRST, end=TODAY):
    [heading] = plot_headings(plot_ids=[plot.pk])
    return load_reconciliation(plot=heading, period=Period(start, end))


def rows(account):
    return [(e.on, e.kind, e.title, e.document, e.charged, e.paid, e.balance) for e in account.entries]


def test_golden_plot_269_membership_closes_at_zero_and_electricity_at_the_may_bill():
    plot = golden_269()
    [heading] = plot_headings(numbers=[269])
    assert heading.first_day == D(2022, 1, 1)
    rec = load_reconciliation(plot=heading, period=default_period(heading.first_day, TODAY))
    assert rec.period == Period(D(2022, 1, 1), TODAY)
    power, fee = rec.accounts  # electricity first, as on «Статус моих оплат»
    assert (power.key, power.name, power.opening, power.closing) == (ELECTRICITY, "Электроэнергия", 0, POWER)
    assert rows(power) == [
        (D(2022, 6, 1), CHARGE, "Электроэнергия за май 2022: T1 520, T2 217 кВт·ч", "", POWER, 0, POWER),
    ]
    assert (fee.name, fee.opening, fee.charged, fee.paid, fee.closing) == ("Членские взносы 2022", 0, FEE, FEE, 0)
    assert rows(fee) == [
        (D(2022, 1, 1), CHARGE, "Членские взносы 2022", "", FEE, 0, FEE),
        (D(2022, 6, 10), PAYMENT, "Оплата", "№ 41 от 10.06.2022", 0, FEE, 0),
    ]
    assert (rec.opening, rec.charged, rec.paid, rec.closing) == (0, FEE + POWER, FEE, POWER)
    assert plot.pk == rec.plot.plot_id


def test_what_came_before_the_period_is_its_opening_balance():
    plot = golden_269()
    rec = act(plot, D(2022, 3, 1), D(2022, 6, 30))
    power, fee = rec.accounts
    assert (fee.opening, [e.kind for e in fee.entries], fee.closing) == (FEE, [PAYMENT], 0)
    assert (power.opening, power.closing) == (0, POWER)
    later = act(plot, D(2022, 7, 1), D(2022, 12, 31))
    assert [(a.name, a.opening, a.entries, a.closing) for a in later.accounts] == [
        ("Электроэнергия", POWER, (), POWER)  # owed from before; the paid-up fee is left out
    ]
    assert later.closing == POWER


def test_a_period_that_ends_before_the_bill_leaves_the_account_out():
    rec = act(golden_269(), D(2022, 1, 1), D(2022, 5, 31))
    assert [(a.name, a.closing) for a in rec.accounts] == [("Членские взносы 2022", FEE)]


def test_penalties_are_their_own_account_after_the_articles():
    plot = golden_269()
    penalty = ArticleFactory(name="Пени", kind=Article.Kind.PENALTY, sort_order=900)
    ChargeFactory(plot=plot, article=penalty, amount=Decimal("12.37"), accrued_on=D(2022, 7, 31))
    ChargeFactory(plot=plot, article=penalty, amount=Decimal("3.10"), accrued_on=D(2022, 8, 31))
    *_, penalties = act(plot).accounts
    assert penalties.is_penalty and penalties.name == "Пени"
    assert [(e.on, e.charged, e.balance) for e in penalties.entries] == [
        (D(2022, 7, 31), Decimal("12.37"), Decimal("12.37")),
        (D(2022, 8, 31), Decimal("3.10"), Decimal("15.47")),
    ]


def test_an_electricity_payment_pays_the_periods_and_beyond_them_is_an_advance():
    plot = golden_269()
    power_article = ArticleFactory(name="Электроэнергия", kind=Article.Kind.ELECTRICITY)
    PaymentFactory(plot=plot, article=power_article, amount=Decimal("5000.00"), paid_on=D(2022, 6, 3), document="77")
    power = act(plot).accounts[0]
    assert [(e.on, e.kind, e.document, e.balance) for e in power.entries] == [
        (D(2022, 6, 1), CHARGE, "", POWER),
        (D(2022, 6, 3), PAYMENT, "77", Decimal("-878.55")),
    ]
    assert power.closing == Decimal("-878.55")  # negative: an advance


def test_a_charge_and_a_payment_on_one_day_show_the_charge_first():
    plot = PlotFactory(number=301)
    article = ArticleFactory(name="Целевой взнос 2023", kind=Article.Kind.TARGET, year=2023)
    PaymentFactory(plot=plot, article=article, amount=Decimal("500.00"), paid_on=D(2023, 3, 1))
    ChargeFactory(plot=plot, article=article, amount=Decimal("2000.00"), accrued_on=D(2023, 3, 1))
    [account] = act(plot, D(2023, 3, 1), D(2023, 3, 1)).accounts
    assert [(e.kind, e.balance) for e in account.entries] == [
        (CHARGE, Decimal("2000.00")),
        (PAYMENT, Decimal("1500.00")),
    ]


def test_single_zone_consumption_is_one_number():
    plot = PlotFactory(number=302)
    golden_269(number=303)  # the tariff
    meter = MeterFactory(plot=plot)
    ReadingFactory(meter=meter, taken_on=D(2022, 5, 1), day=100, night=0)
    ReadingFactory(meter=meter, taken_on=D(2022, 6, 1), day=111, night=0)
    [power] = act(plot, D(2022, 5, 1)).accounts
    assert power.entries[0].title == "Электроэнергия за май 2022: 11 кВт·ч"


def test_closing_balances_agree_with_the_payment_status_and_the_debts():
    """The same rows read three ways: «Статус моих оплат», the debts item by item, the акт to today."""
    plot = golden_269()
    target = ArticleFactory(name="Целевой взнос 2022", kind=Article.Kind.TARGET, year=2022, sort_order=20)
    ChargeFactory(plot=plot, article=target, amount=Decimal("3000.00"), accrued_on=D(2022, 2, 1))
    PaymentFactory(plot=plot, article=target, amount=Decimal("1000.01"), paid_on=D(2022, 3, 5))
    other = ArticleFactory(name="Вывоз мусора", kind=Article.Kind.OTHER, sort_order=30)
    ChargeFactory(plot=plot, article=other, amount=Decimal("450.00"), accrued_on=D(2022, 4, 1))
    PaymentFactory(plot=plot, article=other, amount=Decimal("600.00"), paid_on=D(2022, 4, 2))
    rec = act(plot, D(2022, 1, 1), TODAY)
    closing = {a.key: a.closing for a in rec.accounts}
    [status] = payment_status(plot_ids=[plot.pk], as_of=None).plots
    assert {a.article_id: a.due - a.prepayment for a in status.articles} == {
        k: v for k, v in closing.items() if k != ELECTRICITY
    }
    debts = load_debts(plot_ids=[plot.pk])[plot.pk]
    assert {k: sum(i.outstanding() for i in a.items) - a.advance for k, a in debts.accounts.items()} == closing
    assert closing[target.pk] == Decimal("1999.99") and closing[other.pk] == Decimal("-150.00")


def test_an_акт_is_six_queries_and_the_headings_one(django_assert_num_queries):
    plot = golden_269()
    with django_assert_num_queries(1):
        [heading] = plot_headings(plot_ids=[plot.pk])
    with django_assert_num_queries(6):
        load_reconciliation(plot=heading, period=Period(D(2022, 1, 1), TODAY))


def test_the_first_day_counts_payments_and_readings_too():
    early_payment = PlotFactory(number=310)
    PaymentFactory(plot=early_payment, paid_on=D(2021, 12, 20))
    ChargeFactory(plot=early_payment, accrued_on=D(2022, 1, 1))
    readings_only = PlotFactory(number=311)
    ReadingFactory(meter=MeterFactory(plot=readings_only), taken_on=D(2021, 6, 1))
    PlotFactory(number=312)
    firsts = {h.number: h.first_day for h in plot_headings(numbers=[310, 311, 312])}
    assert firsts == {310: D(2021, 12, 20), 311: D(2021, 6, 1), 312: None}


BEFORE_FIRST = "Данные по участку 269 начинаются с 01.01.2022: выберите начало периода не раньше этой даты."


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2022, 1, 1), TODAY, []),
        (D(2022, 6, 1), D(2022, 5, 1), [(None, "Начало периода (01.06.2022) позже его конца (01.05.2022).")]),
        (D(2021, 12, 31), TODAY, [("from", BEFORE_FIRST)]),
        (FIRST, D(2024, 1, 16), [("to", "Дата 16.01.2024 ещё не наступила: выберите день не позже 15.01.2024.")]),
    ],
)
def test_period_problems_in_russian(start, end, expected):
    assert period_problems(start=start, end=end, first_day=D(2022, 1, 1), today=TODAY, number=269) == expected


def test_a_plot_without_records_has_no_period():
    assert period_problems(start=TODAY, end=TODAY, first_day=None, today=TODAY, number=5) == [
        (None, "По участку 5 ещё нет ни начислений, ни платежей: акт сверки пока пуст.")
    ]
    assert default_period(None, TODAY) == Period(TODAY, TODAY)
    assert default_period(D(2025, 1, 1), TODAY) == Period(TODAY, TODAY)  # a charge dated ahead
