"""Estimated readings: the command, the admin preview → confirm, and how the readings import treats them."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from billing.models import Meter, Reading
from billing.selectors import period_bills
from billing.services.estimates import EstimateRefused, estimate_readings, parse_period
from billing.services.imports import Kind, run_import
from tests.factories import MeterFactory, PlotFactory, ReadingFactory, TariffFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def _history(meter, rows):
    for taken_on, day, night in rows:
        ReadingFactory(meter=meter, taken_on=taken_on, day=day, night=night)


@pytest.fixture
def meter():
    """Plot 269's two-zone meter: 3 periods, 100 kWh day and 31 night a month (Feb–Apr 2026)."""
    meter = MeterFactory(plot=PlotFactory(number=269), serial="A1")
    _history(
        meter,
        [
            (D(2026, 2, 1), 1000, 500),
            (D(2026, 3, 1), 1100, 530),
            (D(2026, 4, 1), 1200, 560),
            (D(2026, 5, 1), 1300, 590),
        ],
    )
    return meter


def _readings(meter):
    return list(meter.readings.order_by("taken_on").values_list("taken_on", "day", "night", "source"))


def test_estimate_is_the_average_daily_use_of_the_last_three_periods(meter):
    # 300 day / 89 days, 90 night / 89 days; May has 31 days
    result = estimate_readings(start=D(2026, 5, 1))
    assert [(e.plot_number, e.day, e.night) for e in result.estimates] == [(269, 1300 + 104, 590 + 31)]
    assert _readings(meter)[-1] == (D(2026, 6, 1), 1404, 621, Reading.Source.ESTIMATE)


def test_second_run_changes_nothing(meter):
    estimate_readings(start=D(2026, 5, 1))
    again = estimate_readings(start=D(2026, 5, 1))
    assert again.estimates == [] and again.already == 1
    assert Reading.objects.filter(source=Reading.Source.ESTIMATE).count() == 1


def test_dry_run_writes_nothing(meter):
    result = estimate_readings(start=D(2026, 5, 1), dry_run=True)
    assert len(result.estimates) == 1
    assert not Reading.objects.filter(source=Reading.Source.ESTIMATE).exists()


def test_meter_without_history_gets_none_and_is_listed(meter):
    fresh = MeterFactory(plot=PlotFactory(number=270), serial="B2")
    ReadingFactory(meter=fresh, taken_on=D(2026, 5, 1), day=10, night=5)
    MeterFactory(plot=PlotFactory(number=271), serial="C3")
    result = estimate_readings(start=D(2026, 5, 1))
    assert [(s.plot_number, s.serial, s.reason) for s in result.skipped] == [
        (270, "B2", "нет истории: меньше двух показаний"),
        (271, "C3", "нет истории: меньше двух показаний"),
    ]
    assert not fresh.readings.filter(source=Reading.Source.ESTIMATE).exists()


def test_removed_and_inactive_meters_are_not_estimated(meter):
    removed = MeterFactory(plot=PlotFactory(number=270), removed_on=D(2026, 5, 20))
    _history(removed, [(D(2026, 4, 1), 10, 0), (D(2026, 5, 1), 20, 0), (D(2026, 5, 20), 30, 0)])
    inactive = MeterFactory(plot=PlotFactory(number=271, active=False))
    _history(inactive, [(D(2026, 4, 1), 10, 0), (D(2026, 5, 1), 20, 0)])
    result = estimate_readings(start=D(2026, 5, 1))
    assert [e.plot_number for e in result.estimates] == [269]


def test_single_zone_meter_keeps_night_zero(meter):
    single = MeterFactory(plot=PlotFactory(number=271), kind=Meter.Kind.SINGLE)
    _history(single, [(D(2026, 3, 1), 100, 0), (D(2026, 4, 1), 162, 0), (D(2026, 5, 1), 222, 0)])
    estimate_readings(start=D(2026, 5, 1))
    # 122 kWh over 61 days = 2 a day, 31 days
    assert _readings(single)[-1] == (D(2026, 6, 1), 284, 0, Reading.Source.ESTIMATE)


def test_a_later_real_reading_keeps_the_estimate_and_the_difference_falls_into_the_next_period(meter):
    TariffFactory(valid_from=D(2026, 1, 1))
    estimate_readings(start=D(2026, 5, 1))  # 1404 / 621 on 1 June
    _import_csv("Участок,Дата,День,Ночь\n269,01.07.2026,1600,700\n")
    lines = {line.period.end: line.period for line in period_bills(plot_ids=[meter.plot_id])}
    assert (lines[D(2026, 6, 1)].day, lines[D(2026, 6, 1)].night) == (104, 31)
    assert (lines[D(2026, 7, 1)].day, lines[D(2026, 7, 1)].night) == (196, 79)
    assert meter.readings.get(taken_on=D(2026, 6, 1)).source == Reading.Source.ESTIMATE


def _import_csv(text: str, commit: bool = True):
    return run_import(kind=Kind.READINGS, file_name="readings.csv", content=text.encode(), commit=commit)


def test_import_for_the_same_date_replaces_the_estimate_and_says_so(meter):
    estimate_readings(start=D(2026, 5, 1))
    report = _import_csv("Участок,Дата,День,Ночь\n269,01.06.2026,1390,615\n")
    assert "Расчётных показаний заменено показаниями из файла: 1." in report.notices
    assert _readings(meter)[-1] == (D(2026, 6, 1), 1390, 615, Reading.Source.IMPORT)
    assert Reading.objects.filter(meter=meter, taken_on=D(2026, 6, 1)).count() == 1


def test_import_for_the_same_date_wins_over_a_members_reading_and_says_so(meter):
    Reading.objects.create(meter=meter, taken_on=D(2026, 6, 1), day=1395, night=617, source=Reading.Source.MEMBER)
    preview = _import_csv("Участок,Дата,День,Ночь\n269,01.06.2026,1390,615\n", commit=False)
    assert "Показаний, переданных садоводами, заменено показаниями из файла: 1." in preview.notices
    _import_csv("Участок,Дата,День,Ночь\n269,01.06.2026,1390,615\n")
    assert _readings(meter)[-1] == (D(2026, 6, 1), 1390, 615, Reading.Source.IMPORT)
    assert Reading.objects.filter(meter=meter, taken_on=D(2026, 6, 1)).count() == 1


def test_import_with_the_estimated_values_still_marks_the_reading_real(meter):
    estimate_readings(start=D(2026, 5, 1))
    report = _import_csv("Участок,Дата,День,Ночь\n269,01.06.2026,1404,621\n")
    assert report.updated == 1
    assert _readings(meter)[-1][3] == Reading.Source.IMPORT


def test_real_reading_below_an_earlier_estimate_lowers_the_estimate(meter):
    estimate_readings(start=D(2026, 5, 1))  # 1404 / 621
    report = _import_csv("Участок,Дата,День,Ночь\n269,01.07.2026,1350,650\n")
    assert not report.errors
    assert any("снижено до фактических: 1" in notice for notice in report.notices)
    assert _readings(meter)[-2:] == [
        (D(2026, 6, 1), 1350, 621, Reading.Source.ESTIMATE),
        (D(2026, 7, 1), 1350, 650, Reading.Source.IMPORT),
    ]


def test_real_reading_below_a_real_one_is_still_refused(meter):
    report = _import_csv("Участок,Дата,День,Ночь\n269,01.06.2026,1200,600\n")
    assert report.errors


def test_manual_reading_in_the_admin_is_marked_manual(meter, treasurer_client):
    response = treasurer_client.post(
        reverse("billing_reading_modeladmin_create"),
        {"meter": meter.pk, "taken_on": "2026-06-01", "day": "1400", "night": "620"},
    )
    assert response.status_code == 302
    assert _readings(meter)[-1] == (D(2026, 6, 1), 1400, 620, Reading.Source.MANUAL)


@pytest.mark.parametrize(
    "text, message",
    [
        ("2026-13", "месяц от 01 до 12"),
        ("май", "не понят"),
        ("２０２６-05", "не понят"),
        ("2026-5", "не понят"),
        ("99999999999-01", "не понят"),
    ],
)
def test_bad_periods_are_refused_in_russian(text, message):
    with pytest.raises(EstimateRefused, match=message):
        parse_period(text)


def test_command_dry_run_and_run(meter, capsys):
    call_command("estimate_readings", "--period", "2026-05", "--dry-run")
    out = capsys.readouterr().out
    assert "участок 269, счётчик A1: 1404/621" in out and out.strip().endswith("без истории или пропущено: 0.")
    assert "Пробный запуск" in out
    assert not Reading.objects.filter(source=Reading.Source.ESTIMATE).exists()
    call_command("estimate_readings", "--period", "2026-05")
    assert Reading.objects.filter(source=Reading.Source.ESTIMATE).count() == 1


def test_command_refuses_a_bad_period(meter):
    with pytest.raises(CommandError, match="не понят"):
        call_command("estimate_readings", "--period", "2026/05")


def test_admin_preview_then_confirm(meter, treasurer_client):
    url = reverse("billing_estimate_readings")
    assert treasurer_client.get(url).status_code == 200
    preview = treasurer_client.post(url, {"period": "2026-05"})
    assert preview.status_code == 200
    assert "data-estimate-preview" in preview.content.decode() and "1404 / 621" in preview.content.decode()
    assert not Reading.objects.filter(source=Reading.Source.ESTIMATE).exists()
    confirmed = treasurer_client.post(url, {"period": "2026-05", "confirm": "1"})
    assert confirmed.status_code == 302
    assert Reading.objects.filter(source=Reading.Source.ESTIMATE).count() == 1
    twice = treasurer_client.post(url, {"period": "2026-05", "confirm": "1"})  # a double click
    assert twice.status_code == 302
    assert Reading.objects.filter(source=Reading.Source.ESTIMATE).count() == 1


def test_admin_refuses_a_bad_period(meter, treasurer_client):
    response = treasurer_client.post(reverse("billing_estimate_readings"), {"period": "2026-00"})
    assert response.status_code == 200
    assert "месяц от 01 до 12" in response.content.decode()


def test_a_member_cannot_open_the_page(member_client):
    response = member_client.get(reverse("billing_estimate_readings"))
    assert response.status_code in (302, 403)
