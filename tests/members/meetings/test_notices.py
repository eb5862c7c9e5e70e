"""The notice of a general meeting (217-ФЗ ст. 17 ч. 13): published by the secretary, it goes by email and
by SMS (one part, through the fake SMS.ru over HTTP) to each registry person with an address — members,
and non-member owners when they vote on an item — exactly once per person and channel, however many
times or workers run it; the secretary sees the log."""

import datetime
import threading
from http import HTTPStatus

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from members.meetings import notices
from members.meetings.models import Meeting, MeetingNotice
from members.sms.segments import sms_segments
from tests.factories import PlotFactory
from tests.members.meetings.world import allow_absentee, meeting, owner, person, published

pytestmark = pytest.mark.django_db

BUDGET = ("budget", "Утвердить приходно-расходную смету на 2027 год")
FEES = ("fees", "Утвердить размер членских взносов")


@pytest.fixture
def registry():
    """Two members with both addresses, one with an email only, one with nothing; a non-member owner with a
    phone; a member who joins after the meeting's date (no notice for this meeting)."""
    plot = PlotFactory(number=77)
    return {
        "ivanov": person("Иванов Иван Иванович", email="ivanov@example.org", phone="89031112233"),
        "petrova": person("Петрова Анна Сергеевна", email="petrova@example.org", phone="89031112244"),
        "orlov": person("Орлов Олег Олегович", email="orlov@example.org"),
        "silent": person("Тихонов Тихон Тихонович"),
        "owner": owner("Сидоров Пётр Николаевич", plot, phone="89031112255", email="sidorov@example.org"),
        "late": person(
            "Новиков Николай Николаевич",
            email="late@example.org",
            member_since=timezone.localdate() + datetime.timedelta(days=400),
        ),
    }


def publish(client, m: Meeting, capture):
    with capture(execute=True):
        return client.post(reverse("meetings_meeting_publish", args=[m.pk]), follow=True)


def test_publishing_sends_each_member_one_letter_and_one_sms(
    secretary_client, registry, fake_smsru, site_pages, django_capture_on_commit_callbacks
):
    allow_absentee()
    m = meeting(date=timezone.localdate() + datetime.timedelta(days=20), items=(BUDGET,), start_time=datetime.time(11))
    response = publish(secretary_client, m, django_capture_on_commit_callbacks)
    assert "В очереди писем: 3, SMS: 2." in response.content.decode()
    assert sorted(message.to[0] for message in mail.outbox) == [
        "ivanov@example.org",
        "orlov@example.org",
        "petrova@example.org",
    ]
    letter = mail.outbox[0]
    assert letter.subject == f"СНТ «Тестовое»: уведомление о проведении общего собрания {m.date:%d.%m.%Y}"
    for part in (
        "очередного общего собрания членов товарищества в очно-заочной форме",
        f"Дата собрания: {m.date:%d.%m.%Y}, начало в 11:00.",
        "Место проведения: Правление, ул. Садовая, 1.",
        "1. Утвердить приходно-расходную смету на 2027 год",
        "Бюллетени для заочного голосования принимаются до",
        "Сайт товарищества: http://testserver/",
    ):
        assert part in letter.body, part
    expected = f"СНТ Тестовое: общее собрание {m.date:%d.%m.%Y} в 11:00. Подробнее: testserver"
    assert sorted(fake_smsru.sent_texts) == [("79031112233", expected), ("79031112244", expected)]
    assert sms_segments(expected) == 1
    log = MeetingNotice.objects.filter(meeting=m)
    assert log.count() == 5 and set(log.values_list("status", flat=True)) == {"sent"}
    assert not log.filter(person__in=[registry["owner"], registry["late"], registry["silent"]]).exists()


def test_owners_are_notified_when_an_item_is_theirs(registry, fake_smsru, site_pages):
    allow_absentee()
    m = published(items=(BUDGET, FEES))
    filled = notices.notices_fill(
        meeting_id=m.pk, base_url="https://www.snt-test.ru/", partnership="СНТ «Тестовое»", signature="СНТ Тестовое"
    )
    assert (filled.emails, filled.sms) == (4, 3)
    sent = notices.notices_send(meeting_id=m.pk)
    assert (sent.sent, sent.failed) == (7, 0)
    assert ("79031112255", f"СНТ Тестовое: общее собрание {m.date:%d.%m.%Y}. Подробнее: snt-test.ru") in (
        fake_smsru.sent_texts
    )
    assert "sidorov@example.org" in [message.to[0] for message in mail.outbox]


def test_a_second_run_and_a_second_fill_send_nothing_twice(registry, fake_smsru):
    m = published(items=(BUDGET,))
    kwargs = {"meeting_id": m.pk, "base_url": "http://snt.ru/", "partnership": "СНТ", "signature": "СНТ"}
    notices.notices_fill(**kwargs)
    assert notices.notices_send(meeting_id=m.pk).sent == 5
    notices.notices_fill(**kwargs)
    assert notices.notices_send(meeting_id=m.pk).sent == 0
    assert len(mail.outbox) == 3 and len(fake_smsru.sent_texts) == 2
    assert MeetingNotice.objects.count() == 5


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_notice_once(registry, fake_smsru):
    m = published(items=(BUDGET,))
    notices.notices_fill(meeting_id=m.pk, base_url="http://snt.ru/", partnership="СНТ", signature="СНТ")
    fake_smsru.latency = 0.3
    results, barrier = [], threading.Barrier(2)

    def worker():
        barrier.wait()
        try:
            results.append(notices.notices_send(meeting_id=m.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(result.sent for result in results) == 5
    assert len(fake_smsru.sent_texts) == 2 and len(mail.outbox) == 3


def test_a_row_claimed_by_another_worker_is_not_sent_again(registry, fake_smsru):
    m = published(items=(BUDGET,))
    notices.notices_fill(meeting_id=m.pk, base_url="http://snt.ru/", partnership="СНТ", signature="СНТ")
    MeetingNotice.objects.filter(channel="sms").update(
        status="sending", claim="other-worker", updated_at=timezone.now()
    )
    assert notices.notices_send(meeting_id=m.pk).sent == 3
    assert fake_smsru.sent_texts == []
    stale = timezone.now() - datetime.timedelta(hours=1)
    MeetingNotice.objects.filter(channel="sms").update(updated_at=stale)
    assert notices.notices_send(meeting_id=m.pk).sent == 0  # the crashed worker's rows: unknown, never re-sent
    assert set(MeetingNotice.objects.filter(channel="sms").values_list("status", flat=True)) == {"unknown"}
    assert fake_smsru.sent_texts == []


def test_gateway_errors_are_logged_per_person(registry, fake_smsru):
    m = published(items=(BUDGET,))
    notices.notices_fill(meeting_id=m.pk, base_url="http://snt.ru/", partnership="СНТ", signature="СНТ")
    fake_smsru.number_codes = {"79031112233": 209}
    fake_smsru.number_codes_once = {"79031112244": 220}
    sent = notices.notices_send(meeting_id=m.pk)
    assert (sent.sent, sent.failed, sent.deferred) == (3, 1, 1)
    failed = MeetingNotice.objects.get(person=registry["ivanov"], channel="sms")
    assert (failed.status, failed.last_error) == ("failed", "номер в стоп-листе")
    assert notices.notices_send(meeting_id=m.pk).sent == 1  # the transient one goes on the next run
    assert MeetingNotice.objects.get(person=registry["petrova"], channel="sms").status == "sent"


def test_an_sms_that_does_not_fit_one_part_is_not_sent_and_the_secretary_is_told(
    secretary_client, registry, fake_smsru, site_pages, django_capture_on_commit_callbacks
):
    site_pages.settings.short_name = "Садоводческое товарищество «Аникино-2»"  # 38 of 40
    site_pages.settings.save()
    allow_absentee()
    m = meeting(date=timezone.localdate() + datetime.timedelta(days=20), items=(BUDGET,))
    page = secretary_client.get(reverse("meetings_meeting_publish", args=[m.pk])).content.decode()
    assert "SMS не отправлены: даже кратчайший текст" in page
    response = publish(secretary_client, m, django_capture_on_commit_callbacks).content.decode()
    assert "SMS не отправлены" in response and "Сократите подпись SMS" in response
    assert fake_smsru.sent_texts == [] and len(mail.outbox) == 3
    assert not MeetingNotice.objects.filter(channel="sms").exists()


def test_the_sms_text_picks_the_first_form_that_fits():
    m = Meeting(date=datetime.date(2027, 6, 20), start_time=datetime.time(11), form=Meeting.Form.MIXED)
    assert notices.sms_notice_text(m, signature="СНТ Аникино", host="snt-anikino.ru") == (
        "СНТ Аникино: общее собрание 20.06.2027 в 11:00. snt-anikino.ru"
    )
    long_host = "sadovod-anikino.example.ru"
    text = notices.sms_notice_text(m, signature="СНТ Аникино", host=long_host)
    assert text == f"СНТ Аникино: собрание 20.06.2027 в 11:00. {long_host}"
    assert sms_segments(text) == 1
    absentee = Meeting(date=datetime.date(2027, 6, 20), form=Meeting.Form.ABSENTEE)
    assert notices.sms_notice_text(absentee, signature="СНТ Аникино", host="snt.ru") == (
        "СНТ Аникино: заочное общее собрание, бюллетени до 20.06.2027. snt.ru"
    )
    assert notices.sms_notice_text(m, signature="С" * 70, host="snt.ru") is None


def test_the_secretary_sees_the_log_and_the_treasurer_does_not(secretary_client, treasurer, registry):
    m = published(items=(BUDGET,))
    notices.notices_fill(meeting_id=m.pk, base_url="http://snt.ru/", partnership="СНТ", signature="СНТ")
    notices.notices_send(meeting_id=m.pk)
    page = secretary_client.get(reverse("meetings_meeting_notices", args=[m.pk]))
    assert page.status_code == HTTPStatus.OK
    text = page.content.decode()
    assert "Иванов Иван Иванович" in text and "ivanov@example.org" in text and "отправлено" in text
    secretary_client.force_login(treasurer)
    assert secretary_client.get(reverse("meetings_meeting_notices", args=[m.pk]))["Location"] == "/admin/"
