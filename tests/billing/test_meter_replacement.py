"""Meter replacement in the admin: one transaction, refusals in Russian, and the consumption and
money across a mid-month replacement."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from billing.models import Meter, Reading
from billing.selectors import period_bills
from billing.services.electricity import plot_periods
from billing.services.meters import Replacement, ReplacementRefused, replace_meter
from tests.factories import MeterFactory, PlotFactory, ReadingFactory, TariffFactory

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 12, 1)


@pytest.fixture
def old():
    """Plot 269's two-zone meter read on 1 May and 1 June 2026."""
    meter = MeterFactory(plot=PlotFactory(number=269), serial="OLD1", installed_on=D(2020, 1, 1))
    ReadingFactory(meter=meter, taken_on=D(2026, 5, 1), day=1000, night=400)
    ReadingFactory(meter=meter, taken_on=D(2026, 6, 1), day=1100, night=450)
    return meter


def _replacement(old, **changes):
    values = {
        "old_meter_id": old.pk,
        "on": D(2026, 6, 15),
        "final_day": 1160,
        "final_night": 470,
        "serial": "NEW7",
        "kind": Meter.Kind.TWO_ZONE,
        "initial_day": 0,
        "initial_night": 0,
    }
    return Replacement(**(values | changes))


def test_replacement_removes_the_old_meter_and_installs_the_new_one(old):
    new = replace_meter(_replacement(old), today=TODAY)
    old.refresh_from_db()
    assert old.removed_on == D(2026, 6, 15)
    assert (new.plot_id, new.serial, new.kind, new.installed_on) == (old.plot_id, "NEW7", "two_zone", D(2026, 6, 15))
    assert list(old.readings.order_by("taken_on").values_list("taken_on", "day", "night", "source"))[-1] == (
        D(2026, 6, 15),
        1160,
        470,
        Reading.Source.MANUAL,
    )
    assert list(new.readings.values_list("taken_on", "day", "night")) == [(D(2026, 6, 15), 0, 0)]


def test_consumption_and_money_across_a_mid_month_replacement(old):
    TariffFactory(valid_from=D(2026, 1, 1), day_rate=Decimal("6.82"), night_rate=Decimal("2.65"))
    new = replace_meter(_replacement(old), today=TODAY)
    ReadingFactory(meter=new, taken_on=D(2026, 7, 1), day=45, night=20)
    meters = list(Meter.objects.filter(plot_id=old.plot_id))
    periods = plot_periods(plot_id=old.plot_id, meters=meters, readings=Reading.objects.filter(meter__in=meters))
    assert [(p.start, p.end, p.day, p.night) for p in periods] == [
        (D(2026, 5, 1), D(2026, 6, 1), 100, 50),
        (D(2026, 6, 1), D(2026, 7, 1), 60 + 45, 20 + 20),  # old meter to its final reading, new from 0
    ]
    lines = period_bills(plot_ids=[old.plot_id])
    july = [line for line in lines if line.period.end == D(2026, 7, 1)][0]
    assert july.owed == Decimal("716.10") + Decimal("106.00")  # 105 × 6.82 + 40 × 2.65


def test_replacement_on_the_first_keeps_the_regular_boundary(old):
    replace_meter(_replacement(old, on=D(2026, 7, 1), final_day=1200, final_night=480), today=TODAY)
    new = Meter.objects.get(serial="NEW7")
    ReadingFactory(meter=new, taken_on=D(2026, 8, 1), day=90, night=30)
    lines = period_bills(plot_ids=[old.plot_id])
    assert [(line.period.end, line.period.day, line.period.night) for line in lines] == [
        (D(2026, 6, 1), 100, 50),
        (D(2026, 7, 1), 100, 30),
        (D(2026, 8, 1), 90, 30),
    ]


def test_final_reading_on_the_last_reading_date_updates_it(old):
    replace_meter(_replacement(old, on=D(2026, 6, 1), final_day=1100, final_night=450), today=TODAY)
    assert old.readings.filter(taken_on=D(2026, 6, 1)).count() == 1


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"on": D(2026, 5, 20)}, "on", "раньше последнего показания старого счётчика (01.06.2026)"),
        ({"on": D(2019, 5, 20)}, "on", "раньше установки старого счётчика"),
        ({"on": D(2027, 1, 1)}, "on", "ещё не наступила"),
        ({"final_day": 1099}, "final_day", "Конечное показание 1099 меньше последнего 1100"),
        ({"final_night": 0}, "final_night", "меньше последнего 450"),
        ({"serial": "  "}, "serial", "Укажите заводской номер"),
        ({"serial": "old1"}, "serial", "уже есть счётчик № old1"),
        ({"kind": "three_zone"}, "kind", "Выберите тип"),
        ({"kind": Meter.Kind.SINGLE, "initial_night": 5}, "initial_night", "нет ночной зоны"),
    ],
)
def test_refusals(old, changes, field, message):
    with pytest.raises(ReplacementRefused, match=re.escape(message)) as refused:
        replace_meter(_replacement(old, **changes), today=TODAY)
    assert refused.value.field == field
    old.refresh_from_db()
    assert old.removed_on is None and Meter.objects.count() == 1 and old.readings.count() == 2


def test_removed_meter_cannot_be_replaced_again(old):
    replace_meter(_replacement(old), today=TODAY)
    with pytest.raises(ReplacementRefused, match="уже снят 15.06.2026"):
        replace_meter(_replacement(old, serial="NEW8"), today=TODAY)


def _form(old, **changes):
    data = {
        "meter": str(old.pk),
        "on": "15.06.2026",
        "final_day": "1160",
        "final_night": "470",
        "serial": "NEW7",
        "kind": "two_zone",
        "initial_day": "0",
        "initial_night": "0",
    }
    return data | changes


def test_admin_form_replaces_and_redirects(old, treasurer_client):
    url = reverse("billing_replace_meter")
    page = treasurer_client.get(f"{url}?meter={old.pk}")
    assert page.status_code == 200 and "Замена счётчика" in page.content.decode()
    response = treasurer_client.post(url, _form(old))
    assert response.status_code == 302
    assert Meter.objects.filter(serial="NEW7", installed_on=D(2026, 6, 15)).exists()
    again = treasurer_client.post(url, _form(old, serial="NEW8"))  # a double click: the meter is gone from the list
    assert again.status_code == 200
    assert "Такого счётчика нет или он уже снят." in again.content.decode()
    assert Meter.objects.count() == 2


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"final_day": "١٢٠٠"}, "Показание — целое число из цифр 0–9"),
        ({"final_day": "12345678"}, "не длиннее 7 цифр"),
        ({"final_day": "-5"}, "Показание — целое число"),
        ({"initial_day": ""}, "Укажите показание."),
        ({"serial": ""}, "Укажите заводской номер нового счётчика."),
        ({"on": "31.02.2026"}, "Введите дату в виде ДД.ММ.ГГГГ."),
        ({"on": "01.05.2026"}, "Дата замены раньше последнего показания"),
        ({"meter": "999999"}, "Такого счётчика нет"),
    ],
)
def test_admin_form_refuses_in_russian(old, treasurer_client, changes, message):
    response = treasurer_client.post(reverse("billing_replace_meter"), _form(old, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Meter.objects.count() == 1


def test_meters_list_links_to_the_replacement(old, treasurer_client):
    response = treasurer_client.get(reverse("billing_meter_modeladmin_index"))
    assert f"/admin/billing/meters/replace/?meter={old.pk}" in response.content.decode()


def test_a_member_cannot_replace(old, member_client):
    response = member_client.post(reverse("billing_replace_meter"), _form(old))
    assert response.status_code in (302, 403)
    assert Meter.objects.count() == 1
