import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.models import Article, ImportBatch, Meter
from billing.selectors import (
    electricity_periods,
    payment_status,
    payment_status_date,
    period_bills,
    plot_readings_rows,
)
from tests.factories import (
    ArticleFactory,
    ChargeFactory,
    ImportBatchFactory,
    MeterFactory,
    PaymentFactory,
    PlotFactory,
    ReadingFactory,
    TariffFactory,
)

pytestmark = pytest.mark.django_db

APR, MAY, JUN = datetime.date(2022, 4, 1), datetime.date(2022, 5, 1), datetime.date(2022, 6, 1)


@pytest.fixture
def seed():
    """The member instruction's plots 269 and 270, their fees and readings."""
    TariffFactory(valid_from=datetime.date(2022, 1, 1), single_rate="5.93", day_rate="6.82", night_rate="2.65")
    membership = ArticleFactory(name="Членские взносы 2022", kind=Article.Kind.MEMBERSHIP, year=2022)
    ImportBatchFactory(kind=ImportBatch.Kind.CHARGES, as_of=datetime.date(2022, 4, 26))
    plots = {}
    for number, rows in {
        269: [(APR, 9012, 2901), (MAY, 9012, 2901), (JUN, 9532, 3118)],
        270: [(APR, 344, 244), (MAY, 344, 244), (JUN, 346, 244)],
    }.items():
        plot = PlotFactory(number=number, street="5", electrified=True, has_new_meter=True, area=Decimal("7.2"))
        ChargeFactory(plot=plot, article=membership, amount=Decimal("7200.00"))
        meter = MeterFactory(plot=plot)
        for taken_on, day, night in rows:
            ReadingFactory(meter=meter, taken_on=taken_on, day=day, night=night)
        plots[number] = plot
    return plots


def _months(start: datetime.date, count: int):
    for n in range(count):
        yield datetime.date(start.year + (start.month - 1 + n) // 12, (start.month - 1 + n) % 12 + 1, 1)


def _plots_with_history(*, plots: int, months: int, first_number: int = 1):
    TariffFactory(valid_from=datetime.date(2000, 1, 1))
    electricity = ArticleFactory(name="Электроэнергия", kind=Article.Kind.ELECTRICITY)
    membership = ArticleFactory(name="Членские взносы")
    ImportBatchFactory(kind=ImportBatch.Kind.PAYMENTS, as_of=datetime.date(2022, 4, 26))
    ids = []
    for number in range(first_number, first_number + plots):
        plot = PlotFactory(number=number)
        meter = MeterFactory(plot=plot)
        for n, taken_on in enumerate(_months(datetime.date(2018, 1, 1), months + 1)):
            ReadingFactory(meter=meter, taken_on=taken_on, day=100 * n, night=40 * n)
            PaymentFactory(plot=plot, article=electricity, paid_on=taken_on, amount=Decimal("10.00"))
        ChargeFactory(plot=plot, article=membership)
        ids.append(plot.pk)
    return ids


def test_payment_status_of_the_seed(seed):
    status = payment_status(plot_ids=[seed[270].pk, seed[269].pk])

    assert status.as_of == datetime.date(2022, 4, 26)
    assert [p.number for p in status.plots] == [269, 270]
    first = status.plots[0]
    assert (first.street, first.electrified, first.has_new_meter, first.area) == ("5", True, True, Decimal("7.20"))
    assert (first.due, first.prepayment) == (Decimal("7200.00"), Decimal("0.00"))
    (row,) = first.articles
    assert (row.name, row.charged, row.paid, row.due, row.prepayment) == (
        "Членские взносы 2022",
        Decimal("7200.00"),
        Decimal("0.00"),
        Decimal("7200.00"),
        Decimal("0.00"),
    )
    assert (first.electricity_paid, first.electricity_last_paid_on) == (0, None)


def test_payment_status_sums_electricity_payments_and_their_last_date(seed):
    electricity = ArticleFactory(name="Электроэнергия", kind=Article.Kind.ELECTRICITY)
    PaymentFactory(plot=seed[269], article=electricity, amount=Decimal("4121.45"), paid_on=datetime.date(2022, 6, 5))
    PaymentFactory(plot=seed[269], article=electricity, amount=Decimal("100.00"), paid_on=datetime.date(2022, 5, 5))
    PaymentFactory(plot=seed[270], article=electricity, amount=Decimal("13.64"), paid_on=datetime.date(2022, 7, 1))

    (status,) = payment_status(plot_ids=[seed[269].pk]).plots

    assert status.electricity_paid == Decimal("4221.45")
    assert status.electricity_last_paid_on == datetime.date(2022, 6, 5)


def test_electricity_periods_of_the_seed(seed):
    may, april = electricity_periods(plot_ids=[seed[269].pk, seed[270].pk])

    assert (may.start, may.end, april.start, april.end) == (MAY, JUN, APR, MAY)
    line269, line270 = may.lines
    period = line269.period
    assert line269.plot_number == 269 and not line269.tariff_missing
    assert (period.start_day, period.start_night, period.start_total) == (9012, 2901, 11913)
    assert (period.end_day, period.end_night, period.end_total) == (9532, 3118, 12650)
    assert (period.day, period.night, period.total) == (520, 217, 737)
    assert line269.cost.single == Decimal("4370.41")
    assert (line269.cost.day, line269.cost.night, line269.cost.two_zone) == (
        Decimal("3546.40"),
        Decimal("575.05"),
        Decimal("4121.45"),
    )
    assert line269.owed == Decimal("4121.45")
    assert (line270.plot_number, line270.period.total, line270.cost.single, line270.cost.two_zone) == (
        270,
        2,
        Decimal("11.86"),
        Decimal("13.64"),
    )
    assert [(line.plot_number, line.period.total, line.cost.single, line.owed) for line in april.lines] == [
        (269, 0, 0, 0),
        (270, 0, 0, 0),
    ]


def test_a_period_without_tariff_carries_the_error_instead_of_costs(seed):
    TariffFactory(valid_from=JUN, single_rate="1.00", day_rate="1.00", night_rate="1.00")
    meter = Meter.objects.get(plot=seed[269])
    nov, dec = datetime.date(2021, 11, 1), datetime.date(2021, 12, 1)
    ReadingFactory(meter=meter, taken_on=nov, day=8988, night=2899)
    ReadingFactory(meter=meter, taken_on=dec, day=9000, night=2900)

    groups = electricity_periods(plot_ids=[seed[269].pk])

    assert [(g.start, g.end) for g in groups] == [(MAY, JUN), (APR, MAY), (dec, APR), (nov, dec)]
    assert groups[0].lines[0].cost.single == Decimal("737.00")  # the tariff from 01.06.2022 applies
    assert groups[2].lines[0].cost.single == Decimal("77.09")  # 13 kWh × 5.93 from 01.01.2022
    (oldest,) = groups[3].lines
    assert oldest.tariff_missing is True
    assert oldest.error == "Нет тарифа, действующего на 01.12.2021"
    assert (oldest.cost, oldest.owed) == (None, None)
    assert (oldest.period.day, oldest.period.night) == (12, 1)


def test_a_plot_not_asked_for_never_appears(seed):
    other = seed[270]
    PaymentFactory(plot=other, article=ArticleFactory(name="Электроэнергия", kind=Article.Kind.ELECTRICITY))

    status = payment_status(plot_ids=[seed[269].pk])
    groups = electricity_periods(plot_ids=[seed[269].pk])
    rows = plot_readings_rows(plot_ids=[seed[269].pk])

    assert [p.number for p in status.plots] == [269]
    assert {line.plot_number for g in groups for line in g.lines} == {269}
    assert {row.plot_number for row in rows} == {269}


def test_no_plots_means_nothing_shown(seed):
    assert payment_status(plot_ids=[]).plots == ()
    assert electricity_periods(plot_ids=[]) == []
    assert plot_readings_rows(plot_ids=[]) == []


def test_readings_rows_for_export(seed):
    rows = plot_readings_rows(plot_ids=[seed[270].pk, seed[269].pk])

    assert [(r.plot_number, r.taken_on, r.day, r.night) for r in rows] == [
        (269, APR, 9012, 2901),
        (269, MAY, 9012, 2901),
        (269, JUN, 9532, 3118),
        (270, APR, 344, 244),
        (270, MAY, 344, 244),
        (270, JUN, 346, 244),
    ]


def test_payment_status_date_is_the_latest_data_date():
    assert payment_status_date() is None
    ImportBatchFactory(kind=ImportBatch.Kind.PAYMENTS, as_of=datetime.date(2022, 4, 26))
    ImportBatchFactory(kind=ImportBatch.Kind.CHARGES, as_of=datetime.date(2022, 3, 1))  # older data, later upload
    ImportBatchFactory(kind=ImportBatch.Kind.READINGS, as_of=datetime.date(2030, 1, 1))
    assert payment_status_date() == datetime.date(2022, 4, 26)

    ImportBatchFactory(kind=ImportBatch.Kind.CHARGES, as_of=None)  # no date in the file: its upload day
    assert payment_status_date() == timezone.localdate()
    assert payment_status(plot_ids=[]).as_of == timezone.localdate()


@pytest.mark.parametrize(("plots", "months"), [(1, 3), (5, 60)])
def test_query_counts_do_not_grow_with_plots_and_months(django_assert_num_queries, plots, months):
    ids = _plots_with_history(plots=plots, months=months)

    with django_assert_num_queries(4):
        status = payment_status(plot_ids=ids)
    with django_assert_num_queries(3):
        groups = electricity_periods(plot_ids=ids)
    with django_assert_num_queries(1):
        rows = plot_readings_rows(plot_ids=ids)

    assert len(status.plots) == plots
    assert all(p.electricity_paid == Decimal("10.00") * (months + 1) for p in status.plots)
    assert len(groups) == months and all(len(g.lines) == plots for g in groups)
    assert all(line.period.total == 140 and line.owed is not None for g in groups for line in g.lines)
    assert len(rows) == plots * (months + 1)


def test_period_bills_are_the_lines_of_electricity_periods(seed):
    ids = [seed[270].pk, seed[269].pk]

    bills = period_bills(plot_ids=ids)

    assert [(b.plot_number, b.period.start, b.period.end) for b in bills] == [
        (269, APR, MAY),
        (269, MAY, JUN),
        (270, APR, MAY),
        (270, MAY, JUN),
    ]
    shown = {(line.plot_id, line.period.start): line for g in electricity_periods(plot_ids=ids) for line in g.lines}
    assert {(b.plot_id, b.period.start): b for b in bills} == shown
    assert period_bills(plot_ids=[]) == []


def test_period_bills_between_dates_read_only_the_readings_inside(seed):
    jul = datetime.date(2022, 7, 1)
    ReadingFactory(meter=Meter.objects.get(plot=seed[269]), taken_on=jul, day=9600, night=3200)
    # a second meter of 270 skipped 1 June: over the whole history May and June are one period
    second = MeterFactory(plot=seed[270])
    ReadingFactory(meter=second, taken_on=MAY, day=10, night=5)
    ReadingFactory(meter=second, taken_on=jul, day=20, night=5)

    merged = period_bills(plot_ids=[seed[270].pk])
    bills = period_bills(plot_ids=[seed[269].pk, seed[270].pk], between=(MAY, JUN))

    assert (MAY, JUN) not in {(b.period.start, b.period.end) for b in merged}
    assert [(b.plot_number, b.period.start, b.period.end, b.owed) for b in bills] == [
        (269, MAY, JUN, Decimal("4121.45")),
        (270, MAY, JUN, Decimal("13.64")),
    ]


def test_period_bills_without_tariff_carry_the_error(seed):
    meter = Meter.objects.get(plot=seed[269])
    nov, dec = datetime.date(2021, 11, 1), datetime.date(2021, 12, 1)
    ReadingFactory(meter=meter, taken_on=nov, day=8988, night=2899)
    ReadingFactory(meter=meter, taken_on=dec, day=9000, night=2900)

    (bill,) = period_bills(plot_ids=[seed[269].pk], between=(nov, dec))

    assert (bill.period.start, bill.period.end, bill.cost, bill.owed) == (nov, dec, None, None)
    assert bill.error == "Нет тарифа, действующего на 01.12.2021"


@pytest.mark.parametrize(("plots", "months"), [(1, 3), (5, 60)])
def test_period_bills_cost_three_queries_whatever_the_plots(django_assert_num_queries, plots, months):
    ids = _plots_with_history(plots=plots, months=months)

    with django_assert_num_queries(3):
        everything = period_bills(plot_ids=ids)
    with django_assert_num_queries(3):
        one_month = period_bills(plot_ids=ids, between=(datetime.date(2018, 2, 1), datetime.date(2018, 3, 1)))

    assert len(everything) == plots * months
    assert len(one_month) == plots
    assert all(bill.period.total == 140 and bill.owed is not None for bill in one_month)
