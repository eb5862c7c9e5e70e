"""The SMS at the window's start: who is reminded, once per member, in one SMS part."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from members.models import PlotClaim, ReadingSubmission, SmsMessage
from members.partnership import partnership_settings
from members.readings.reminders import reminder_fill, reminder_plan
from members.readings.window import current_window
from tests.factories import MeterFactory, PlotClaimFactory, PlotFactory, ProfileFactory, UserFactory
from tests.members.readings_data import IN_WINDOW, PERIOD, TAKEN_ON

pytestmark = pytest.mark.django_db


def gardener(number: int, *, phone="89031234567", consent=True, meters=1, status=PlotClaim.Status.CONFIRMED):
    user = UserFactory(username=str(number))
    ProfileFactory(user=user, phone=phone, sms_consent=consent)
    plot = PlotFactory(number=number)
    PlotClaimFactory(user=user, plot=plot, status=status)
    return user, [MeterFactory(plot=plot) for _ in range(meters)]


def test_those_who_have_not_reported_are_reminded_once(django_assert_num_queries):
    window = current_window(day=IN_WINDOW)
    waiting, _ = gardener(301)
    reported, (meter,) = gardener(302)
    ReadingSubmission.objects.create(meter=meter, period=PERIOD, taken_on=TAKEN_ON, day=1, night=1)
    half, (first, _second) = gardener(303, meters=2)  # one meter of two reported: still reminded
    ReadingSubmission.objects.create(meter=first, period=PERIOD, taken_on=TAKEN_ON, day=1, night=1)
    gardener(304, phone="")  # no phone
    gardener(305, consent=False)  # no consent
    gardener(306, status=PlotClaim.Status.PENDING)  # not confirmed
    gardener(307, meters=0)  # no meter
    removed, (old,) = gardener(308)
    old.removed_on = datetime.date(2026, 5, 1)
    old.save()
    several, _ = gardener(309)
    PlotClaimFactory(user=several, plot=MeterFactory(plot__number=310).plot, status=PlotClaim.Status.CONFIRMED)

    partnership_settings()  # Wagtail writes the site's settings row on the first read; not part of the plan
    with django_assert_num_queries(6):  # settings, claims, meters, submissions, the site and its settings
        plan = reminder_plan(window=window)
    assert [(m.username, m.plot_number) for m in plan] == [("301", 301), ("303", 303), ("309", 309)]
    assert {m.text for m in plan} == {"СНТ: с 20 по 25 число передайте показания счётчика на сайте."}
    assert {m.segments for m in plan} == {1}
    del waiting, reported, half, removed


def test_the_command_shows_the_plan_and_queues_nothing_on_a_dry_run(monkeypatch):
    monkeypatch.setattr("members.readings.window.today", lambda: IN_WINDOW)
    gardener(301)
    out = StringIO()
    call_command("remind_readings", "--dry-run", stdout=out)
    assert "89031234567 (уч. 301, 1 SMS): СНТ: с 20 по 25 число передайте показания счётчика на сайте." in (
        out.getvalue()
    )
    assert "Приём показаний 20.11–25.11 (открыт): сообщений 1. Пробный запуск — ничего не отправлено." in (
        out.getvalue()
    )
    assert not SmsMessage.objects.exists()


def test_the_reminder_goes_through_the_outbox_once_per_member_and_window(monkeypatch):
    monkeypatch.setattr("members.readings.window.today", lambda: IN_WINDOW)
    user, (meter,) = gardener(301)
    second = PlotFactory(number=302)
    PlotClaimFactory(user=user, plot=second, status=PlotClaim.Status.CONFIRMED)
    MeterFactory(plot=second)
    out = StringIO()
    call_command("remind_readings", stdout=out)
    assert "Напоминаний поставлено в очередь: 1; отправлено SMS: 1, ошибок: 0." in out.getvalue()
    row = SmsMessage.objects.get()
    assert (row.kind, row.period, row.plot.number, row.status) == ("readings", PERIOD, 301, "sent")
    assert row.text == "СНТ: с 20 по 25 число передайте показания счётчика на сайте." and row.segments == 1

    # plot 301 reported since; 302 has not: the member was reminded this window already
    ReadingSubmission.objects.create(meter=meter, period=PERIOD, taken_on=TAKEN_ON, day=1, night=1)
    assert reminder_fill(window=current_window(day=IN_WINDOW)) == 0
    call_command("remind_readings", stdout=StringIO())
    assert SmsMessage.objects.count() == 1
    # the bill SMS of the same month keeps its own key
    SmsMessage.objects.create(user=user, plot_id=row.plot_id, period=PERIOD, phone=row.phone, text="счёт")
    assert SmsMessage.objects.filter(period=PERIOD).count() == 2


def test_outside_the_window_nothing_is_queued(monkeypatch):
    closed = IN_WINDOW + datetime.timedelta(days=10)
    monkeypatch.setattr("members.readings.window.today", lambda: closed)
    gardener(301)
    with pytest.raises(CommandError, match="напоминания отправляются, пока он открыт"):
        call_command("remind_readings", stdout=StringIO())
    assert reminder_fill(window=current_window(day=closed)) == 0
    assert not SmsMessage.objects.exists()


def test_a_daily_schedule_runs_the_task_which_queues_only_inside_the_window(monkeypatch):
    from django_q.models import Schedule

    from members.tasks import remind_readings

    schedule = Schedule.objects.get(name="Напоминание о передаче показаний")
    assert (schedule.func, schedule.schedule_type) == ("members.tasks.remind_readings", Schedule.DAILY)
    gardener(301)
    monkeypatch.setattr("members.readings.window.today", lambda: IN_WINDOW - datetime.timedelta(days=3))
    assert remind_readings() == "напоминаний о показаниях в очереди: 0"
    monkeypatch.setattr("members.readings.window.today", lambda: IN_WINDOW)
    assert remind_readings() == "напоминаний о показаниях в очереди: 1, отправлено 1"
    assert remind_readings() == "напоминаний о показаниях в очереди: 0"
