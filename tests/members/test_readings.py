"""«Передать показания»: the window, the checks, corrections, one row per meter and period."""

import datetime
from http import HTTPStatus

import pytest
from bs4 import BeautifulSoup
from django.db import IntegrityError, transaction

from billing.models import Meter, Reading
from members.models import PlotClaim, ReadingSettings, ReadingSubmission
from members.readings.services import submit_reading
from members.readings.window import current_window
from tests.factories import MeterFactory, PlotClaimFactory, PlotFactory, ReadingFactory
from tests.members.readings_data import IN_WINDOW, PERIOD, TAKEN_ON, set_today

pytestmark = pytest.mark.django_db
URL = "/cabinet/readings/"


def post(client, meter, **values):
    return client.post(URL, {"meter": str(meter.pk), **values})


def errors(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [p.get_text(" ", strip=True) for p in soup.select(".form-error")]


def test_the_page_lists_the_meter_with_its_last_reading_and_a_form(member_client, meter, in_window):
    response = member_client.get(URL)
    assert response.status_code == HTTPStatus.OK
    soup = BeautifulSoup(response.content, "html.parser")
    card = soup.select_one(".reading-card")
    text = card.get_text(" ", strip=True)
    assert "Участок 269, счётчик № SN-269" in text
    assert "на 01.11.2026" in text and "день (T1) 1300" in text and "ночь (T2) 650" in text
    assert card.select_one("input[name=day]") is not None and card.select_one("input[name=night]") is not None
    assert card.select_one("input[name=confirm]") is None  # only when a value looks unusual
    assert "Показания будут учтены на 1 декабря 2026" in soup.get_text(" ", strip=True)


@pytest.mark.parametrize(
    ("today", "opens"),
    [(datetime.date(2026, 11, 10), "20 ноября 2026"), (datetime.date(2026, 11, 26), "20 декабря 2026")],
)
def test_outside_the_window_the_page_says_when_it_opens_and_takes_nothing(
    member_client, meter, monkeypatch, today, opens
):
    set_today(monkeypatch, today)
    response = member_client.get(URL)
    text = BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)
    assert f"Он откроется {opens}" in text
    assert b'name="day"' not in response.content
    response = post(member_client, meter, day="1400", night="700")
    assert response.status_code == HTTPStatus.FOUND
    assert not ReadingSubmission.objects.exists()
    assert f"Он откроется {opens}" in member_client.get(URL).content.decode()


def test_the_window_follows_the_settings(meter):
    ReadingSettings.objects.create(window_start_day=1, window_end_day=5)
    window = current_window(day=datetime.date(2026, 12, 31))
    assert (window.start, window.end, window.is_open, window.next_start) == (
        datetime.date(2026, 12, 1),
        datetime.date(2026, 12, 5),
        False,
        datetime.date(2027, 1, 1),
    )
    assert (window.period, window.taken_on) == ("2026-12", datetime.date(2027, 1, 1))


def test_a_reading_is_saved_and_can_be_corrected_until_accepted(member_client, member, meter, in_window):
    response = post(member_client, meter, day="1420", night="700")
    assert response.status_code == HTTPStatus.FOUND
    submission = ReadingSubmission.objects.get()
    assert (submission.meter, submission.period, submission.taken_on) == (meter, PERIOD, TAKEN_ON)
    assert (submission.day, submission.night, submission.status) == (1420, 700, ReadingSubmission.Status.PENDING)
    assert submission.submitted_by == member
    page = member_client.get(URL).content.decode()
    assert "ждёт проверки" in page and "Исправить показание" in page
    assert 'value="1420"' in page  # the form starts from the pending values

    post(member_client, meter, day="1430", night="705")
    submission = ReadingSubmission.objects.get()
    assert (submission.day, submission.night) == (1430, 705)
    assert not Reading.objects.filter(taken_on=TAKEN_ON).exists()  # nothing counts before the treasurer accepts


def test_an_accepted_reading_cannot_be_changed(member_client, meter, in_window):
    post(member_client, meter, day="1420", night="700")
    ReadingSubmission.objects.update(status=ReadingSubmission.Status.ACCEPTED)
    page = member_client.get(URL).content.decode()
    assert "принято" in page and 'name="day"' not in page
    response = post(member_client, meter, day="1500", night="800")
    assert response.status_code == HTTPStatus.FOUND
    assert "уже принято казначеем" in member_client.get(URL).content.decode()
    assert ReadingSubmission.objects.get().day == 1420


def test_a_rejected_reading_shows_the_reason_and_may_be_sent_again(member_client, meter, in_window):
    post(member_client, meter, day="1420", night="700")
    ReadingSubmission.objects.update(status=ReadingSubmission.Status.REJECTED, reason="На фото другой счётчик")
    page = member_client.get(URL).content.decode()
    assert "Причина: На фото другой счётчик" in page
    post(member_client, meter, day="1421", night="701")
    submission = ReadingSubmission.objects.get()
    assert (submission.status, submission.reason, submission.day) == (ReadingSubmission.Status.PENDING, "", 1421)


def test_below_the_last_reading_is_refused(member_client, meter, in_window):
    response = post(member_client, meter, day="1299", night="650")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert errors(response) == ["День (T1) 1299 меньше последнего принятого показания 1300 от 01.11.2026."]
    assert not ReadingSubmission.objects.exists()


def test_a_consumption_typed_instead_of_the_figure_is_refused_with_a_hint(member_client, meter, in_window):
    response = post(member_client, meter, day="120", night="50")
    found = " ".join(errors(response))
    assert "Похоже, это расход за месяц" in found
    assert not ReadingSubmission.objects.exists()


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "Введите день (T1)."),
        ("14a0", "только цифры 0–9"),
        ("1 420", "только цифры 0–9"),
        ("1420,5", "только цифры 0–9"),
        ("-1420", "только цифры 0–9"),
        ("１４２０", "только цифры 0–9"),  # full-width: str.isdigit() says yes
        ("١٤٢٠", "только цифры 0–9"),  # Arabic-Indic: int() would read 1420
        ("²", "только цифры 0–9"),
        ("12345678", "не больше 7 цифр"),
        ("9" * 5000, "не больше 7 цифр"),
    ],
)
def test_anything_but_up_to_seven_ascii_digits_is_refused(member_client, meter, in_window, value, reason):
    response = post(member_client, meter, day=value, night="700")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert reason in " ".join(errors(response))
    assert not ReadingSubmission.objects.exists()


def test_seven_digits_pass(member_client, meter, in_window):
    post(member_client, meter, day="0001420", night="9999999", confirm="on")
    assert ReadingSubmission.objects.get().night == 9999999


def test_a_jump_above_three_times_the_average_asks_to_confirm(member_client, meter, in_window):
    # the last three periods used 150 kWh each: 1300/650 → 1600/700 is 350 (fine), → 1700/700 is 450 (fine),
    # → 1800/700 is 550 > 450: asked
    post(member_client, meter, day="1700", night="700")
    assert ReadingSubmission.objects.get().confirmed is False
    ReadingSubmission.objects.all().delete()

    response = post(member_client, meter, day="1800", night="700")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    soup = BeautifulSoup(response.content, "html.parser")
    box = soup.select_one("input[name=confirm]")
    assert box is not None
    assert "Да, показание верное" in soup.select_one(f"label[for={box['id']}]").get_text()
    assert any("больше чем втрое выше среднего" in e for e in errors(response))
    assert not ReadingSubmission.objects.exists()

    post(member_client, meter, day="1800", night="700", confirm="on")
    submission = ReadingSubmission.objects.get()
    assert (submission.day, submission.confirmed) == (1800, True)


@pytest.fixture
def replaced(member, meter):
    """The old meter was removed on 15.10.2026 at 5000/2000; the new one has no reading of its own yet."""
    Meter.objects.filter(pk=meter.pk).update(removed_on=datetime.date(2026, 10, 15))
    ReadingFactory(meter=meter, taken_on=datetime.date(2026, 10, 15), day=5000, night=2000)
    Reading.objects.filter(meter=meter, taken_on=datetime.date(2026, 11, 1)).delete()
    return MeterFactory(plot=meter.plot, serial="NEW-1", installed_on=datetime.date(2026, 10, 15))


def test_a_replaced_meter_takes_a_low_reading_after_a_confirmation(member_client, replaced, in_window):
    page = member_client.get(URL).content.decode()
    assert "NEW-1" in page and "SN-269" not in page  # the removed meter is not offered
    response = post(member_client, replaced, day="30", night="12")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert any("намного меньше последнего по прежнему счётчику" in e for e in errors(response))
    post(member_client, replaced, day="30", night="12", confirm="on")
    assert ReadingSubmission.objects.get().meter == replaced


def test_a_removed_meter_is_refused(member_client, replaced, meter, in_window):
    response = post(member_client, meter, day="6000", night="2100")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not ReadingSubmission.objects.exists()


def test_a_meter_installed_after_the_readings_date_is_refused(member_client, meter, in_window):
    late = MeterFactory(plot=meter.plot, serial="LATE", installed_on=datetime.date(2026, 12, 5))
    response = post(member_client, late, day="10", night="5")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert any("Счётчик установлен 05.12.2026, позже даты показаний 01.12.2026" in e for e in errors(response))
    assert not ReadingSubmission.objects.exists()


def test_a_single_zone_meter_has_one_value(member_client, meter, in_window):
    single = MeterFactory(plot=meter.plot, serial="ONE", kind=Meter.Kind.SINGLE)
    ReadingFactory(meter=single, taken_on=datetime.date(2026, 11, 1), day=4000, night=0)
    soup = BeautifulSoup(member_client.get(URL).content, "html.parser")
    card = soup.find("h2", string=lambda s: s and "ONE" in s).find_parent("section")
    assert [i["name"] for i in card.select("input[type=text]")] == ["value"]
    post(member_client, single, value="4100")
    assert ReadingSubmission.objects.values_list("day", "night").get() == (4100, 0)


@pytest.mark.parametrize("meter_id", ["other", "pending", "0", "abc", "１", "99999999999", ""])
def test_a_meter_not_the_members_is_not_found(member_client, member, meter, in_window, meter_id):
    others = {
        "other": MeterFactory(plot=PlotFactory(number=300)).pk,
        "pending": MeterFactory(
            plot=PlotClaimFactory(user=member, plot__number=301, status=PlotClaim.Status.PENDING).plot
        ).pk,
    }
    response = member_client.post(URL, {"meter": str(others.get(meter_id, meter_id)), "day": "9", "night": "9"})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not ReadingSubmission.objects.exists()


def test_two_submissions_at_once_make_one_row(member, meter, monkeypatch):
    window = current_window(day=IN_WINDOW)
    create = ReadingSubmission.objects.create
    calls = []

    def racing_create(**values):
        """The other request's row lands between this one's look-up and its insert."""
        if not calls:
            calls.append(1)
            with transaction.atomic():
                create(**{**values, "day": 1401})
        return create(**values)

    monkeypatch.setattr(ReadingSubmission.objects, "create", racing_create)
    common = {"user": member, "meter_id": meter.pk, "window": window, "night": 700, "photo": "", "confirmed": False}
    submit_reading(day=1402, **common)
    submit_reading(day=1403, **common)
    assert ReadingSubmission.objects.values_list("day", flat=True).get() == 1403


def test_the_database_keeps_one_row_per_meter_and_period(meter):
    values = {"meter": meter, "period": PERIOD, "taken_on": TAKEN_ON, "day": 1, "night": 1}
    ReadingSubmission(**values).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReadingSubmission(**values).save()


def test_the_menu_has_the_page(member_client, meter, in_window):
    soup = BeautifulSoup(member_client.get(URL).content, "html.parser")
    current = soup.select("li.main-nav__item--dropdown a[aria-current=page]")
    assert [a.get_text(strip=True) for a in current] == ["Передать показания"]


def test_a_member_without_confirmed_plots_is_told_why(member_client, member, in_window):
    PlotClaimFactory(user=member, plot__number=269, status=PlotClaim.Status.PENDING)
    page = member_client.get(URL).content.decode()
    assert "Участок 269 ожидает подтверждения казначеем" in page
