import datetime
from decimal import Decimal

import pytest

from billing.models import Meter, Reading, Tariff
from billing.services.electricity import (
    TariffMissing,
    period_bill,
    period_costs,
    plot_bills,
    plot_periods,
    tariff_in_force,
)
from tests.factories import MeterFactory, PlotFactory, ReadingFactory, TariffFactory

pytestmark = pytest.mark.django_db

APR, MAY, JUN = datetime.date(2022, 4, 1), datetime.date(2022, 5, 1), datetime.date(2022, 6, 1)


def _meter_with(plot_number: int, rows, **meter_fields) -> Meter:
    meter = MeterFactory(plot=PlotFactory(number=plot_number), **meter_fields)
    for taken_on, day, night in rows:
        ReadingFactory(meter=meter, taken_on=taken_on, day=day, night=night)
    return meter


def _bills(meter_or_plot_id):
    plot_id = meter_or_plot_id.plot_id if isinstance(meter_or_plot_id, Meter) else meter_or_plot_id
    meters = list(Meter.objects.filter(plot_id=plot_id))
    readings = list(Reading.objects.filter(meter__plot_id=plot_id))
    return plot_bills(plot_id=plot_id, meters=meters, readings=readings, tariffs=list(Tariff.objects.all()))


def test_golden_numbers_of_the_instruction():
    TariffFactory(valid_from=datetime.date(2022, 1, 1), single_rate="5.93", day_rate="6.82", night_rate="2.65")
    m269 = _meter_with(269, [(APR, 9012, 2901), (MAY, 9012, 2901), (JUN, 9532, 3118)])
    m270 = _meter_with(270, [(APR, 344, 244), (MAY, 344, 244), (JUN, 346, 244)])

    april, may = _bills(m269)
    assert (may.period.start, may.period.end) == (MAY, JUN)
    assert (may.period.start_day, may.period.start_night, may.period.start_total) == (9012, 2901, 11913)
    assert (may.period.end_day, may.period.end_night, may.period.end_total) == (9532, 3118, 12650)
    assert (may.period.day, may.period.night, may.period.total) == (520, 217, 737)
    assert may.cost.single == Decimal("4370.41")
    assert (may.cost.day, may.cost.night) == (Decimal("3546.40"), Decimal("575.05"))
    assert may.cost.two_zone == Decimal("4121.45")
    assert may.owed == Decimal("4121.45")
    assert (april.period.start, april.period.end, april.period.total) == (APR, MAY, 0)
    assert (april.cost.single, april.cost.two_zone, april.owed) == (0, 0, 0)

    april, may = _bills(m270)
    assert (may.period.day, may.period.night, may.period.total) == (2, 0, 2)
    assert may.cost.single == Decimal("11.86")
    assert (may.cost.day, may.cost.night, may.cost.two_zone) == (Decimal("13.64"), 0, Decimal("13.64"))
    assert april.period.total == 0 and april.cost.single == 0 and april.cost.two_zone == 0


def test_single_zone_meter_owes_the_single_zone_figure():
    TariffFactory(valid_from=datetime.date(2022, 1, 1))
    meter = _meter_with(269, [(MAY, 9012, 0), (JUN, 9749, 0)], kind=Meter.Kind.SINGLE)

    (bill,) = _bills(meter)

    assert bill.period.two_zone is False
    assert bill.cost.single == Decimal("4370.41")
    assert bill.owed == bill.cost.single


def test_two_zone_meter_owes_the_two_zone_figure():
    TariffFactory(valid_from=datetime.date(2022, 1, 1))
    meter = _meter_with(269, [(MAY, 9012, 2901), (JUN, 9532, 3118)], kind=Meter.Kind.TWO_ZONE)

    (bill,) = _bills(meter)

    assert bill.period.two_zone is True
    assert bill.owed == bill.cost.two_zone != bill.cost.single


def test_tariff_in_force_on_the_period_end_applies():
    TariffFactory(valid_from=datetime.date(2022, 1, 1), single_rate="5.00", day_rate="6.00", night_rate="2.00")
    TariffFactory(valid_from=JUN, single_rate="7.00", day_rate="8.00", night_rate="3.00")
    TariffFactory(valid_from=datetime.date(2022, 6, 2), single_rate="9.00", day_rate="9.00", night_rate="9.00")
    meter = _meter_with(269, [(APR, 0, 0), (MAY, 10, 1), (JUN, 20, 2)])

    april, may = _bills(meter)

    assert april.tariff.valid_from == datetime.date(2022, 1, 1)
    assert april.cost == period_costs(day=10, night=1, tariff=april.tariff)
    assert april.cost.single == Decimal("55.00")
    assert may.tariff.valid_from == JUN
    assert (may.cost.single, may.cost.day, may.cost.night) == (Decimal("77.00"), Decimal("80.00"), Decimal("3.00"))


def test_no_tariff_in_force_is_an_error_not_a_zero():
    TariffFactory(valid_from=datetime.date(2022, 6, 2))
    meter = _meter_with(269, [(MAY, 0, 0), (JUN, 10, 1)])

    with pytest.raises(TariffMissing) as caught:
        _bills(meter)

    assert caught.value.period_end == JUN
    assert str(caught.value) == "Нет тарифа, действующего на 01.06.2022"


def test_tariff_in_force_picks_the_latest_valid_from_not_after_the_date():
    old = Tariff(valid_from=datetime.date(2021, 1, 1))
    new = Tariff(valid_from=datetime.date(2022, 1, 1))

    assert tariff_in_force(on=datetime.date(2021, 12, 31), tariffs=[new, old]) is old
    assert tariff_in_force(on=datetime.date(2022, 1, 1), tariffs=[old, new]) is new
    with pytest.raises(TariffMissing):
        tariff_in_force(on=datetime.date(2020, 12, 31), tariffs=[old, new])


def test_each_line_is_rounded_half_up_on_its_own():
    # stored rates have two decimals, so only a finer rate can show the rounding rule
    tariff = Tariff(single_rate=Decimal("1.0025"), day_rate=Decimal("2.665"), night_rate=Decimal("1.005"))

    cost = period_costs(day=1, night=1, tariff=tariff)

    assert cost.day == Decimal("2.67")  # half-up, not banker's 2.66
    assert cost.night == Decimal("1.01")
    assert cost.two_zone == Decimal("3.68")  # rounding the sum 3.670 would give 3.67
    assert cost.single == Decimal("2.01")  # 2 × 1.0025 = 2.005 → 2.01


def test_meter_replaced_mid_period_counts_both_meters():
    TariffFactory(valid_from=datetime.date(2022, 1, 1))
    swap = datetime.date(2022, 5, 20)
    old = _meter_with(269, [(APR, 8000, 2800), (MAY, 9012, 2901), (swap, 9300, 3000)], removed_on=swap)
    new = _meter_with(269, [(swap, 0, 0), (JUN, 232, 118)], installed_on=swap)
    assert old.plot_id == new.plot_id

    april, may = _bills(old)

    assert (april.period.start, april.period.end, april.period.day) == (APR, MAY, 1012)
    assert (may.period.start, may.period.end) == (MAY, JUN)
    assert (may.period.start_day, may.period.start_night) == (9012, 2901)
    assert (may.period.end_day, may.period.end_night) == (232, 118)
    assert (may.period.day, may.period.night) == (288 + 232, 99 + 118)
    assert may.cost.two_zone == Decimal("4121.45")
    assert may.owed == Decimal("4121.45")


def test_replacement_on_the_first_keeps_monthly_periods():
    TariffFactory(valid_from=datetime.date(2022, 1, 1))
    old = _meter_with(269, [(APR, 100, 10), (MAY, 150, 20)], removed_on=MAY, kind=Meter.Kind.SINGLE)
    _meter_with(269, [(MAY, 0, 0), (JUN, 30, 5)], installed_on=MAY)

    april, may = _bills(old)

    assert (april.period.start, april.period.end, april.period.total) == (APR, MAY, 60)
    assert april.owed == april.cost.single and april.period.two_zone is False
    assert (may.period.start, may.period.end, may.period.total) == (MAY, JUN, 35)
    assert may.owed == may.cost.two_zone and may.period.two_zone is True


def test_mixed_meters_owe_each_kind_its_own_figure():
    TariffFactory(valid_from=datetime.date(2022, 1, 1))
    swap = datetime.date(2022, 5, 15)
    old = _meter_with(269, [(MAY, 0, 0), (swap, 100, 0)], removed_on=swap, kind=Meter.Kind.SINGLE)
    _meter_with(269, [(swap, 0, 0), (JUN, 50, 20)], installed_on=swap, kind=Meter.Kind.TWO_ZONE)

    (bill,) = _bills(old)

    assert (bill.period.day, bill.period.night) == (150, 20)
    assert bill.owed == Decimal("593.00") + Decimal("341.00") + Decimal("53.00")


def test_a_meter_that_skipped_a_date_merges_the_periods_around_it():
    plot = PlotFactory(number=269)
    first = MeterFactory(plot=plot)
    second = MeterFactory(plot=plot)
    for taken_on, day in [(APR, 0), (MAY, 10), (JUN, 30)]:
        ReadingFactory(meter=first, taken_on=taken_on, day=day)
    for taken_on, day in [(APR, 0), (JUN, 5)]:
        ReadingFactory(meter=second, taken_on=taken_on, day=day)

    periods = plot_periods(plot_id=plot.pk, meters=[first, second], readings=Reading.objects.filter(meter__plot=plot))

    assert [(p.start, p.end, p.day, p.start_day, p.end_day) for p in periods] == [(APR, JUN, 35, 0, 35)]


def test_a_single_reading_makes_no_period():
    meter = _meter_with(269, [(MAY, 10, 1)])

    assert plot_periods(plot_id=meter.plot_id, meters=[meter], readings=list(meter.readings.all())) == []


def test_period_bill_of_a_period_without_consumption_costs_nothing():
    tariff = TariffFactory(valid_from=datetime.date(2022, 1, 1))
    meter = _meter_with(269, [(APR, 5, 5), (MAY, 5, 5)])
    (period,) = plot_periods(plot_id=meter.plot_id, meters=[meter], readings=list(meter.readings.all()))

    bill = period_bill(period=period, tariffs=[tariff])

    assert bill.owed == Decimal("0.00") and bill.cost.single == Decimal("0.00")


def test_a_first_meter_installed_mid_month_starts_its_own_period():
    TariffFactory(valid_from=datetime.date(2022, 1, 1))
    installed = datetime.date(2022, 5, 20)
    meter = _meter_with(269, [(installed, 0, 0), (JUN, 10, 0)], installed_on=installed)

    (bill,) = _bills(meter)

    assert (bill.period.start, bill.period.end, bill.period.total) == (installed, JUN, 10)


def test_a_gap_between_meters_makes_no_empty_period():
    old = _meter_with(269, [(APR, 0, 0), (MAY, 10, 0)], removed_on=MAY)
    new = _meter_with(269, [(JUN, 0, 0), (datetime.date(2022, 7, 1), 7, 0)], installed_on=JUN)

    periods = plot_periods(
        plot_id=old.plot_id, meters=[old, new], readings=Reading.objects.filter(meter__plot_id=old.plot_id)
    )

    assert [(p.start, p.end, p.total) for p in periods] == [(APR, MAY, 10), (JUN, datetime.date(2022, 7, 1), 7)]
