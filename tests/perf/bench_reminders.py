"""Reminders to debtors for 3,000 plots × 10 years of fees and payments (issue 13, «Reminders»).

Floor: the debts themselves, `load_debts` of the same plots, in the same run. Targets: the plan
(claims, consent, confirmed addresses, debts, texts) ≤ 2× the floor (measured 1.3–1.4×); sending a round (each chunk
rechecked, SMS rows into the outbox, the log) ≤ 3× the floor plus a bare `bulk_create` of the same
SMS rows; the plan's queries are the same for 300 and 3,000 plots."""

import datetime
import time
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.models import Article, Charge, Payment, Plot
from billing.services.debts.loading import load_debts
from members.models import PlotClaim, Profile, SmsMessage, User
from members.reminders.models import DebtReminder
from members.reminders.plan import reminder_plan
from members.reminders.service import new_round_key, reminder_round_send, reminder_round_start

pytestmark = pytest.mark.django_db

PLOTS = 3_000
YEARS = range(2013, 2023)
ON = datetime.date(2023, 6, 30)
ROUNDS = 5


def _articles() -> dict[int, Article]:
    return {
        year: Article.objects.create(name=f"Членские взносы {year}", kind=Article.Kind.MEMBERSHIP, year=year)
        for year in YEARS
    }


def _world(numbers: range, articles: dict[int, Article]) -> list[Plot]:
    """Plots with ten years of fees, each paid in part (every plot owes), and a member each with a
    phone, SMS consent and a confirmed address."""
    plots = Plot.objects.bulk_create(Plot(number=n, street="1", area=Decimal("7.20")) for n in numbers)
    Charge.objects.bulk_create(
        (
            Charge(plot=plot, article=articles[year], amount=Decimal("7200.00"), accrued_on=datetime.date(year, 1, 1))
            for plot in plots
            for year in YEARS
        ),
        batch_size=2000,
    )
    Payment.objects.bulk_create(
        (
            Payment(plot=plot, article=articles[year], amount=Decimal("7000.00"), paid_on=datetime.date(year, 6, 10))
            for plot in plots
            for year in YEARS
        ),
        batch_size=2000,
    )
    users = User.objects.bulk_create(User(username=str(n), email=f"m{n}@example.org") for n in numbers)
    Profile.objects.bulk_create(
        Profile(user=user, phone=f"89{int(user.username):09d}", sms_consent=True) for user in users
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users
    )
    PlotClaim.objects.bulk_create(
        PlotClaim(user=user, plot=plot, status=PlotClaim.Status.CONFIRMED)
        for user, plot in zip(users, plots, strict=True)
    )
    return plots


def _queries() -> int:
    with CaptureQueriesContext(connection) as queries:
        reminder_plan(on=ON)
    return len(queries)


def _sms_floor(plots: list[Plot]) -> float:
    """A bare bulk_create of one monthly SMS row per plot, undone."""
    users = dict(PlotClaim.objects.values_list("plot_id", "user_id"))
    rows = [
        SmsMessage(user_id=users[plot.pk], plot=plot, period="1999-01", phone="89990000000", text="x" * 60)
        for plot in plots
    ]
    started = time.perf_counter()
    SmsMessage.objects.bulk_create(rows, batch_size=500)
    elapsed = time.perf_counter() - started
    SmsMessage.objects.filter(period="1999-01").delete()
    return elapsed


def test_reminders_against_the_debts_they_read(targets, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    articles = _articles()
    plots = _world(range(1, 301), articles)
    reminder_plan(on=ON)  # the site's settings row is made on first read
    few = _queries()
    plots += _world(range(301, PLOTS + 1), articles)
    floors, plans, sends, sms_floors = [], [], [], []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        debts = load_debts(plot_ids=[plot.pk for plot in plots])
        floors.append(time.perf_counter() - started)
        sms_floors.append(_sms_floor(plots))
        started = time.perf_counter()
        plan = reminder_plan(on=ON)
        plans.append(time.perf_counter() - started)
        plan.reminders = [r for r in plan.reminders if r.channel == "sms"]  # letters cost the mail server's time
        round_, _ = reminder_round_start(plan=plan, key=new_round_key(), user=None)
        started = time.perf_counter()
        done = reminder_round_send(round_id=round_.pk)
        sends.append(time.perf_counter() - started)
        assert (done.queued, done.skipped, done.failed) == (PLOTS, 0, 0)
        SmsMessage.objects.all().delete()
        DebtReminder.objects.all().delete()
    assert len(debts) == PLOTS and plan.sms_count == PLOTS
    floor, sms_floor = min(floors), min(sms_floors)
    print(f"\nreminders: floor (load_debts of {PLOTS} plots × {len(YEARS)} years) {floor * 1000:.0f} ms")
    plan_ms, send_ms = min(plans) * 1000, min(sends) * 1000
    print(f"  plan {plan_ms:.0f} ms, send {send_ms:.0f} ms (SMS bulk_create {sms_floor * 1000:.0f} ms)")
    targets.check("reminder plan / load_debts", min(plans) / floor, 2)
    targets.check("send a round / (load_debts + SMS bulk_create)", min(sends) / (floor + sms_floor), 3)
    targets.check("plan queries, 3,000 plots / 300 plots", _queries() / few, 1)
    targets.assert_met()
