import datetime
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_q.models import Schedule

from billing.models import Meter, Reading
from members.models import PlotClaim, SmsMessage
from members.sms.plan import parse_period, previous_period, sms_outbox_fill, sms_plan
from members.sms.sending import monthly_sms_run, sms_outbox_poll, sms_outbox_send, sms_resend
from members.tasks import send_monthly_sms
from tests.factories import PlotFactory, TariffFactory
from tests.members.sms.helpers import JUNE, MAY, SEED_269, member_with, plot_with_readings


@pytest.fixture
def seed(make_member):
    TariffFactory()
    p269 = plot_with_readings(269, (9012, 2901), (9532, 3118))
    p270 = plot_with_readings(270, (344, 244), (346, 244))
    return p269, p270


def test_period_names_the_consumption_month():
    assert parse_period("2022-05") == (MAY, JUNE)
    assert parse_period("2022-12") == (datetime.date(2022, 12, 1), datetime.date(2023, 1, 1))
    assert previous_period(datetime.date(2022, 6, 1)) == "2022-05"
    assert previous_period(datetime.date(2023, 1, 3)) == "2022-12"
    for wrong in ("май", "2022-5", "2022-13", "2022-00", "０２２-05", "２０２２-０５", "2022-05\n", "", "9" * 100):
        with pytest.raises(ValueError, match="ГГГГ-ММ"):
            parse_period(wrong)


def test_seed_message_for_plot_269_is_exact(seed, make_member):
    p269, _ = seed
    member_with("269", "89031221105", [p269], make_member)
    [message] = sms_plan(period="2022-05").messages
    assert message.text == SEED_269
    assert message.phone == "89031221105"
    assert message.segments == 1


def test_a_period_ending_on_an_estimated_reading_is_marked_in_the_sms(seed, make_member):
    p269, _ = seed
    Reading.objects.filter(meter__plot=p269, taken_on=JUNE).update(source=Reading.Source.ESTIMATE)
    member_with("269", "89031221105", [p269], make_member)
    [message] = sms_plan(period="2022-05").messages
    assert message.text == "СНТ Аникино: T1 520, T2 217 (расч.). К оплате 4121.45 до 5 числа."
    assert message.segments == 1


def test_member_with_two_plots_gets_one_message_per_plot_with_its_number(seed, make_member):
    member_with("269", "89031221105", seed, make_member)
    messages = sms_plan(period="2022-05").messages
    assert [m.text for m in messages] == [
        "СНТ Аникино, уч. 269: T1 520, T2 217. К оплате 4121.45 до 5 числа.",  # the full wording takes 2 parts
        "СНТ Аникино, уч. 270: T1 2, T2 0. К оплате 13.64. Оплатить до 5 числа.",
    ]
    assert [m.segments for m in messages] == [1, 1]


def test_single_zone_meter_sends_total_and_single_zone_amount(make_member):
    TariffFactory()
    plot = plot_with_readings(301, (9012, 2901), (9532, 3118), kind=Meter.Kind.SINGLE)
    member_with("301", "89990000301", [plot], make_member)
    [message] = sms_plan(period="2022-05").messages
    assert message.text == "СНТ Аникино: T 737. К оплате 4370.41. Оплатить до 5 числа."


def test_recipients_are_exactly_the_right_members(seed, make_member):
    p269, p270 = seed
    p271 = PlotFactory(number=271)  # no readings closing May
    p272 = plot_with_readings(272, (1, 1), (2, 2))
    p273 = plot_with_readings(273, (1, 1), (3, 3))
    p274 = plot_with_readings(274, (1, 1), (4, 4))
    p275 = plot_with_readings(275, (1, 1), (5, 5))
    member_with("269", "89031221105", [p269], make_member)
    member_with("271", "89990000271", [p271], make_member)
    member_with("272", "", [p272], make_member)  # no phone
    member_with("273", "89990000273", [p273], make_member, consent=False)
    member_with("274", "89990000274", [p274], make_member, status=PlotClaim.Status.PENDING)
    member_with("275", "89990000275", [p275], make_member, status=PlotClaim.Status.REJECTED)
    inactive = member_with("276", "89990000276", [p270], make_member)
    inactive.is_active = False
    inactive.save()
    assert [(m.username, m.plot_number) for m in sms_plan(period="2022-05").messages] == [("269", 269)]


def test_second_run_sends_nothing_twice(seed, make_member, fake_smsru):
    member_with("269", "89031221105", seed, make_member)
    first = monthly_sms_run(period="2022-05")
    second = monthly_sms_run(period="2022-05")
    assert (first[0].queued, first[1].sent) == (2, 2)
    assert (second[0].queued, second[1].sent) == (0, 0)
    # one text per number per request: the second plot's message goes in a second request
    assert len(fake_smsru.send_requests) == 2
    assert sorted(t for _, t in fake_smsru.sent_texts) == sorted(SmsMessage.objects.values_list("text", flat=True))
    assert set(SmsMessage.objects.values_list("status", flat=True)) == {SmsMessage.Status.SENT}


def test_transient_failures_are_retried_and_succeed(seed, make_member, fake_smsru):
    member_with("269", "89031221105", [seed[0]], make_member)
    fake_smsru.script = ["http500", 220]
    sms_outbox_fill(period="2022-05")
    summary = sms_outbox_send(period="2022-05")
    assert summary.sent == 1
    assert len(fake_smsru.send_requests) == 3
    message = SmsMessage.objects.get()
    assert message.status == SmsMessage.Status.SENT
    assert message.attempts == 3
    assert fake_smsru.sent_texts == [("79031221105", SEED_269)]


def test_transient_failure_that_persists_is_deferred_to_a_later_run(seed, make_member, fake_smsru, settings):
    settings.SMS_RETRY_ATTEMPTS = 2
    member_with("269", "89031221105", [seed[0]], make_member)
    fake_smsru.script = ["http500", "http500"]
    sms_outbox_fill(period="2022-05")
    assert sms_outbox_send(period="2022-05").deferred == 1
    message = SmsMessage.objects.get()
    assert message.status == SmsMessage.Status.QUEUED
    assert message.next_attempt_at > timezone.now() - datetime.timedelta(seconds=1)
    assert "HTTP 500" in message.last_error
    SmsMessage.objects.update(next_attempt_at=timezone.now())  # the pause is over
    assert sms_outbox_send().sent == 1


def test_permanent_failure_is_not_retried_and_shows_the_reason(seed, make_member, fake_smsru):
    p269, p270 = seed
    member_with("269", "89031221105", [p269], make_member)
    member_with("270", "89990000270", [p270], make_member)
    fake_smsru.number_codes = {"79990000270": 202}
    sms_outbox_fill(period="2022-05")
    summary = sms_outbox_send(period="2022-05")
    assert (summary.sent, summary.failed) == (1, 1)
    failed = SmsMessage.objects.get(status=SmsMessage.Status.FAILED)
    assert failed.phone == "89990000270"
    assert failed.error_code == 202
    assert failed.last_error == "неправильный номер телефона"
    assert failed.attempts == 1
    assert len(fake_smsru.send_requests) == 1
    assert sms_outbox_send().sent == 0  # a later run does not retry it either


def test_no_funds_stops_and_alerts_the_treasurer(seed, make_member, fake_smsru, django_user_model):
    from django.contrib.auth.models import Group

    treasurer = django_user_model.objects.create_user("treasurer", email="kazna@example.org")
    treasurer.groups.add(Group.objects.get_or_create(name="Казначей")[0])
    member_with("269", "89031221105", [seed[0]], make_member)
    fake_smsru.script = [201]
    sms_outbox_fill(period="2022-05")
    assert sms_outbox_send().failed == 1
    assert SmsMessage.objects.get().last_error == "на счёте SMS.ru недостаточно средств"
    assert len(fake_smsru.send_requests) == 1
    [letter] = mail.outbox
    assert letter.to == ["kazna@example.org"]
    assert "недостаточно средств" in letter.body


def test_timeout_after_sending_does_not_double_send(seed, make_member, fake_smsru, settings):
    settings.SMSRU_TIMEOUT = 0.3
    fake_smsru.hang = 1.0
    fake_smsru.script = ["hang"]
    member_with("269", "89031221105", [seed[0]], make_member)
    sms_outbox_fill(period="2022-05")
    summary = sms_outbox_send()
    assert summary.unknown == 1
    assert SmsMessage.objects.get().status == SmsMessage.Status.UNKNOWN
    sms_outbox_send()
    monthly_sms_run(period="2022-05")
    assert len(fake_smsru.send_requests) == 1
    assert len(fake_smsru.accepted) == 1
    # the treasurer checks and resends on purpose
    assert sms_resend(message_ids=SmsMessage.objects.values_list("pk", flat=True)) == 1
    assert sms_outbox_send().sent == 1


def test_crash_mid_run_leaves_the_rest_and_never_resends_what_went_out(seed, make_member, fake_smsru):
    member_with("269", "89031221105", [seed[0]], make_member)
    member_with("270", "89990000270", [seed[1]], make_member)
    sms_outbox_fill(period="2022-05")
    first, second = SmsMessage.objects.order_by("pk")
    # a worker claimed the first row and died after handing it to the gateway
    stale = timezone.now() - datetime.timedelta(hours=1)
    SmsMessage.objects.filter(pk=first.pk).update(status=SmsMessage.Status.SENDING, updated_at=stale)
    summary = sms_outbox_send()
    assert summary.sent == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == SmsMessage.Status.UNKNOWN
    assert second.status == SmsMessage.Status.SENT
    assert [number for number, _ in fake_smsru.sent_texts] == ["79990000270"]


def test_batches_of_at_most_100_numbers(make_member, fake_smsru):
    TariffFactory()
    for n in range(1, 206):
        plot = plot_with_readings(n, (0, 0), (n, 0))
        member_with(str(n), f"8999{n:07d}", [plot], make_member)
    sms_outbox_fill(period="2022-05")
    assert sms_outbox_send().sent == 205
    sizes = [sum(key.startswith("to[") for key in request) for request in fake_smsru.send_requests]
    assert sizes == [100, 100, 5]


def test_delivery_status_is_polled_back(seed, make_member, fake_smsru):
    member_with("269", "89031221105", [seed[0]], make_member)
    monthly_sms_run(period="2022-05")
    assert sms_outbox_poll() == 1
    message = SmsMessage.objects.get()
    assert message.status == SmsMessage.Status.DELIVERED
    assert message.delivered_at is not None


def test_schedules_exist_after_migrate():
    monthly = Schedule.objects.get(func="members.tasks.send_monthly_sms")
    assert monthly.schedule_type == Schedule.MONTHLY
    assert monthly.repeats == -1
    assert timezone.localtime(monthly.next_run).day == 1
    assert Schedule.objects.filter(func="members.tasks.send_sms_outbox", schedule_type=Schedule.HOURLY).exists()


def test_task_runs_through_django_q(seed, make_member, fake_smsru):
    from django_q.tasks import async_task, result

    member_with("269", "89031221105", [seed[0]], make_member)
    task_id = async_task("members.tasks.send_monthly_sms", "2022-05")  # sync in tests
    assert result(task_id) == "2022-05: поставлено в очередь 1, отправлено 1, ошибок 0, под вопросом 0"
    assert fake_smsru.sent_texts == [("79031221105", SEED_269)]
    assert send_monthly_sms("2022-05").endswith("отправлено 0, ошибок 0, под вопросом 0")


def test_command_dry_run_shows_every_message_and_sends_nothing(seed, make_member, capsys):
    member_with("269", "89031221105", [seed[0]], make_member)
    call_command("send_monthly_sms", "--period", "2022-05", "--dry-run")
    out = capsys.readouterr().out
    assert SEED_269 in out
    assert "89031221105" in out
    assert SmsMessage.objects.count() == 0
    call_command("send_monthly_sms", "--period", "2022-05")
    assert SmsMessage.objects.get().status == SmsMessage.Status.SENT


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_send_each_message_once(make_member, fake_smsru):
    TariffFactory()
    for n in range(1, 151):
        plot = plot_with_readings(n, (0, 0), (n, 1))
        member_with(str(n), f"8999{n:07d}", [plot], make_member)
    fake_smsru.latency = 0.05
    errors = []

    def worker():
        try:
            monthly_sms_run(period="2022-05")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = [number for number, _ in fake_smsru.sent_texts]
    assert len(numbers) == 150
    assert len(set(numbers)) == 150
    assert SmsMessage.objects.filter(status=SmsMessage.Status.SENT).count() == 150
