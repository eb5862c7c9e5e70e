"""«Показания садоводов»: the treasurer's queue, accepting and rejecting one by one or in bulk."""

import datetime
from http import HTTPStatus

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from billing.models import Reading
from members.models import ReadingSubmission
from tests.billing.test_permissions import menu_labels
from tests.factories import MeterFactory, PlotFactory, ReadingFactory, UserFactory
from tests.members.readings_data import PERIOD, TAKEN_ON

pytestmark = pytest.mark.django_db
URL = "/admin/members/readings/"


def submission(meter, day=1420, night=700, **extra) -> ReadingSubmission:
    values = {"period": PERIOD, "taken_on": TAKEN_ON, "day": day, "night": night} | extra
    return ReadingSubmission.objects.create(meter=meter, **values)


def queue_text(client, query="") -> str:
    soup = BeautifulSoup(client.get(URL + query).content, "html.parser")
    return soup.select_one("main").get_text(" ", strip=True)


def messages_of(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [m.get_text(" ", strip=True) for m in soup.select(".messages li")]


def test_the_queue_shows_the_reading_the_last_one_and_the_consumption(treasurer_client, meter):
    submission(meter)
    text = queue_text(treasurer_client)
    assert "269, SN-269" in text
    assert "T1 1420 T2 700" in text
    assert "T1 1300 T2 650 на 01.11.2026" in text
    assert " 170 " in text  # 2120 − 1950


def test_the_treasurer_accepts_in_bulk_and_readings_appear_with_their_source(treasurer_client, treasurer, meter):
    other = MeterFactory(plot=PlotFactory(number=270), serial="SN-270")
    first, second = submission(meter), submission(other, day=50, night=20)
    response = treasurer_client.post(URL, {"action": "accept", "ids": [first.pk, second.pk]}, follow=True)
    assert "Принято показаний: 2." in messages_of(response)
    readings = Reading.objects.filter(taken_on=TAKEN_ON).order_by("meter__plot__number")
    assert [(r.meter_id, r.day, r.night, r.source) for r in readings] == [
        (meter.pk, 1420, 700, Reading.Source.MEMBER),
        (other.pk, 50, 20, Reading.Source.MEMBER),
    ]
    first.refresh_from_db()
    assert (first.status, first.decided_by, first.reading) == (
        ReadingSubmission.Status.ACCEPTED,
        treasurer,
        readings[0],
    )
    # a second click on the same form: nothing twice
    response = treasurer_client.post(URL, {"action": "accept", "ids": [first.pk, second.pk]}, follow=True)
    assert "Уже решено раньше или не найдено: 2." in messages_of(response)
    assert Reading.objects.filter(taken_on=TAKEN_ON).count() == 2


def test_one_by_one(treasurer_client, meter):
    other = MeterFactory(plot=meter.plot, serial="SN-2")
    first, second = submission(meter), submission(other, day=10, night=5)
    treasurer_client.post(URL, {"accept_one": first.pk, "ids": [second.pk]})
    assert ReadingSubmission.objects.get(pk=first.pk).status == ReadingSubmission.Status.ACCEPTED
    assert ReadingSubmission.objects.get(pk=second.pk).status == ReadingSubmission.Status.PENDING
    response = treasurer_client.post(URL, {"reject_one": second.pk, f"reason-{second.pk}": "Нет фото"}, follow=True)
    assert "Отклонено показаний: 1." in messages_of(response)
    second.refresh_from_db()
    assert (second.status, second.reason) == (ReadingSubmission.Status.REJECTED, "Нет фото")


def test_a_rejection_needs_a_reason_and_the_member_reads_it(treasurer_client, member, meter, in_window):
    pending = submission(meter)
    response = treasurer_client.post(URL, {"action": "reject", "ids": [pending.pk]}, follow=True)
    assert any("Укажите причину отказа: садовод увидит её на своей странице." in m for m in messages_of(response))
    assert ReadingSubmission.objects.get().status == ReadingSubmission.Status.PENDING
    treasurer_client.post(URL, {"action": "reject", "ids": [pending.pk], "reason": "На фото другой счётчик"})
    assert ReadingSubmission.objects.get().status == ReadingSubmission.Status.REJECTED
    member_client = Client()
    member_client.force_login(member)
    assert "Причина: На фото другой счётчик" in member_client.get("/cabinet/readings/").content.decode()
    assert not Reading.objects.filter(taken_on=TAKEN_ON).exists()


def test_a_reading_loaded_from_a_file_wins(treasurer_client, meter):
    pending = submission(meter)
    ReadingFactory(meter=meter, taken_on=TAKEN_ON, day=1410, night=690)
    assert "показание уже загружено из файла" in queue_text(treasurer_client)
    response = treasurer_client.post(URL, {"action": "accept", "ids": [pending.pk]}, follow=True)
    assert any("показание уже загружено из файла на 01.12.2026" in m for m in messages_of(response))
    pending.refresh_from_db()
    assert pending.status == ReadingSubmission.Status.SUPERSEDED
    assert Reading.objects.get(meter=meter, taken_on=TAKEN_ON).source == Reading.Source.IMPORT


@pytest.mark.parametrize("ids", [["１"], ["abc"], ["-1"], ["9" * 40], []])
def test_hostile_ids_change_nothing(treasurer_client, meter, ids):
    submission(meter)
    response = treasurer_client.post(URL, {"action": "accept", "ids": ids}, follow=True)
    assert response.status_code == HTTPStatus.OK
    assert not Reading.objects.filter(taken_on=TAKEN_ON).exists()


def test_an_editor_may_not_see_or_decide(meter):
    pending = submission(meter)
    editor = UserFactory(username="editor", is_staff=True, groups=["Editors"])
    client = Client()
    client.force_login(editor)
    assert client.get(URL).status_code == HTTPStatus.FOUND  # Wagtail's «no permission»
    client.post(URL, {"action": "accept", "ids": [pending.pk]})
    assert ReadingSubmission.objects.get().status == ReadingSubmission.Status.PENDING


def test_the_menu_item_is_the_treasurers(treasurer):
    assert "Показания садоводов" in menu_labels(treasurer)["Бухгалтерия"]
    editor = UserFactory(username="editor", is_staff=True, groups=["Editors"])
    assert "Показания садоводов" not in str(menu_labels(editor))


def _many(count: int) -> None:
    plots = [PlotFactory(number=2000 + n) for n in range(count)]
    for plot in plots:
        meter = MeterFactory(plot=plot)
        ReadingFactory(meter=meter, taken_on=datetime.date(2026, 11, 1), day=100, night=50)
        submission(meter, day=200, night=60, photo="0" * 32 + ".jpg")


def test_the_queue_costs_the_same_queries_for_3_or_60_submissions(treasurer_client, django_assert_num_queries):
    _many(3)
    treasurer_client.get(URL)  # warm the session and the settings
    with CaptureQueriesContext(connection) as few:
        treasurer_client.get(URL)
    _many(57)
    with django_assert_num_queries(len(few)):
        response = treasurer_client.get(URL)
    assert "Строки 1–50 из 60, страница 1 из 2." in response.content.decode()
