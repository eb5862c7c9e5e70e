"""Recovery of rows a crashed worker left `sending`: counted in the run's summary, and never
taken from a worker that is still alive however long its run lasts."""

import datetime
import threading
import time
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from members.models import SmsMessage
from members.sms.gateways import SmsRuGateway
from members.sms.plan import sms_outbox_fill
from members.sms.sending import sms_outbox_send
from members.tasks import send_sms_outbox
from tests.factories import TariffFactory
from tests.members.sms.helpers import member_with, plot_with_readings


def _members(make_member, count, *, first=1):
    TariffFactory()
    for n in range(first, first + count):
        plot = plot_with_readings(n, (0, 0), (n, 1))
        member_with(str(n), f"8999{n:07d}", [plot], make_member)


def _strand(rows, *, ago=datetime.timedelta(hours=1)):
    """Rows a worker claimed and then died with: `sending` under its token, stamped long ago."""
    SmsMessage.objects.filter(pk__in=[row.pk for row in rows]).update(
        status=SmsMessage.Status.SENDING, claim="dead-worker", updated_at=timezone.now() - ago
    )


def test_command_summary_counts_the_rows_its_recovery_marked_unknown(make_member, fake_smsru, capsys):
    _members(make_member, 5)
    sms_outbox_fill(period="2022-05")
    _strand(SmsMessage.objects.order_by("pk")[:3])
    call_command("send_monthly_sms", "--period", "2022-05")
    out = capsys.readouterr().out
    assert "отправлено 2, ошибок 0, под вопросом 3 (из них прерванных прежде отправок 3), отложено 0." in out
    assert SmsMessage.objects.filter(status=SmsMessage.Status.UNKNOWN).count() == 3
    assert len(fake_smsru.sent_texts) == 2  # the stranded rows are never sent again by themselves


def test_summary_adds_recovered_rows_to_those_the_run_itself_left_unknown(make_member, fake_smsru, settings):
    settings.SMSRU_TIMEOUT = 0.3
    fake_smsru.hang, fake_smsru.script = 1.0, ["hang"]
    _members(make_member, 3)
    sms_outbox_fill(period="2022-05")
    _strand(SmsMessage.objects.order_by("pk")[:2])
    summary = sms_outbox_send()
    assert (summary.recovered, summary.unknown, summary.sent) == (2, 3, 0)


def test_the_hourly_task_reports_recovered_rows(make_member, fake_smsru):
    _members(make_member, 2)
    sms_outbox_fill(period="2022-05")
    _strand(SmsMessage.objects.order_by("pk")[:1])
    assert send_sms_outbox().startswith("отправлено 1, ошибок 0, под вопросом 1,")


def test_a_recent_claim_is_not_recovered(make_member, fake_smsru):
    _members(make_member, 2)
    sms_outbox_fill(period="2022-05")
    _strand(SmsMessage.objects.order_by("pk")[:1], ago=datetime.timedelta(minutes=14))
    summary = sms_outbox_send()
    assert (summary.recovered, summary.unknown, summary.sent) == (0, 0, 1)
    assert SmsMessage.objects.filter(status=SmsMessage.Status.SENDING).count() == 1


def _second_worker(done: threading.Event, report: dict) -> None:
    """Another worker, busy with another period, starting run after run: only its recovery step
    touches this period's rows. Its own connection, as a second process would have."""
    try:
        while not done.is_set():
            report["unknown"].append(sms_outbox_send(period="2022-04").unknown)
            report["seen"].append(SmsMessage.objects.filter(status=SmsMessage.Status.UNKNOWN).count())
            time.sleep(0.05)
    except Exception as exc:  # noqa: BLE001 - reported by the test
        report["errors"].append(exc)
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_a_run_longer_than_the_stale_timeout_keeps_its_rows(make_member, fake_smsru, settings, monkeypatch):
    settings.SMS_STALE_SENDING_SECONDS = 1.5
    settings.SMSRU_TIMEOUT = 5.0
    fake_smsru.latency = 0.4  # every request to the gateway
    monkeypatch.setattr(SmsRuGateway, "batch_size", 2)
    _members(make_member, 14)
    two_plots = [plot_with_readings(n, (0, 0), (n, 2)) for n in (101, 102)]
    member_with("101", "89990000101", two_plots, make_member)  # one number: two requests in one claim
    sms_outbox_fill(period="2022-05")
    total = SmsMessage.objects.count()
    assert total == 16

    done, report = threading.Event(), {"unknown": [], "seen": [], "errors": []}
    other = threading.Thread(target=_second_worker, args=(done, report))
    other.start()
    began = time.monotonic()
    try:
        summary = sms_outbox_send(period="2022-05")
    finally:
        done.set()
        other.join()
    assert time.monotonic() - began > 2 * settings.SMS_STALE_SENDING_SECONDS  # the run outlived the timeout
    assert report["errors"] == []
    assert len(report["unknown"]) > 10  # the second worker's recovery really ran all along
    assert sum(report["unknown"]) == 0
    assert max(report["seen"]) == 0
    assert summary.sent == total
    assert set(SmsMessage.objects.values_list("status", flat=True)) == {SmsMessage.Status.SENT}
    sent = Counter(fake_smsru.sent_texts)
    assert len(sent) == total
    assert set(sent.values()) == {1}


@pytest.mark.django_db(transaction=True)
def test_rows_recovered_during_a_hung_request_are_not_sent_afterwards(make_member, fake_smsru, settings):
    """A request outlasting the stale timeout lets a recovery take the claim's rows; the run then
    sends none of those still waiting (they stay unknown for the treasurer), and the gateway's
    answer for the request in flight is still recorded."""
    settings.SMS_STALE_SENDING_SECONDS = 0.3
    settings.SMSRU_TIMEOUT = 5.0
    fake_smsru.latency = 0.8
    TariffFactory()
    plots = [plot_with_readings(n, (0, 0), (n, 1)) for n in (201, 202)]
    member_with("201", "89990000201", plots, make_member)  # one number: two requests in one claim
    sms_outbox_fill(period="2022-05")
    first, second = SmsMessage.objects.order_by("pk")

    done, report = threading.Event(), {"unknown": [], "seen": [], "errors": []}
    other = threading.Thread(target=_second_worker, args=(done, report))
    other.start()
    try:
        summary = sms_outbox_send(period="2022-05")
    finally:
        done.set()
        other.join()
    assert report["errors"] == []
    assert sum(report["unknown"]) == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (SmsMessage.Status.SENT, SmsMessage.Status.UNKNOWN)
    assert fake_smsru.sent_texts == [("79990000201", first.text)]
    assert (summary.sent, summary.unknown) == (1, 0)
