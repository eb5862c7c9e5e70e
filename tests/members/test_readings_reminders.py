"""The SMS at the window's start: who is reminded, once per member, in one SMS part."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from members.models import PlotClaim, ReadingSubmission, SmsMessage
from members.partnership import partnership_settings
from members.readings.reminders import reminder_plan
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


def test_the_command_shows_the_plan_and_queues_nothing(monkeypatch):
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
    with pytest.raises(CommandError, match="только пробный запуск"):
        call_command("remind_readings", stdout=StringIO())
    assert not SmsMessage.objects.exists()
