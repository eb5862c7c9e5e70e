"""Reminders to debtors (issue 13): who gets an SMS and/or a letter, at most once per plot and
channel per round, never a plot that paid meanwhile, through the SMS outbox; the board's pages."""

import datetime
import re
import smtplib
import threading
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing.models import Article, DebtSettings
from members.models import PlotClaim, Profile, SmsMessage
from members.reminders.models import DebtReminder, ReminderRound
from members.reminders.plan import reminder_plan
from members.reminders.service import (
    new_round_key,
    reminder_round_send,
    reminder_round_start,
)
from members.reminders.text import longest_sample, sms_text_problem
from members.sms.plan import sms_outbox_fill, sms_plan
from members.sms.segments import sms_segments
from members.sms.sending import sms_outbox_send
from tests.billing.test_permissions import menu_labels
from tests.factories import ArticleFactory, ChargeFactory, PaymentFactory, PlotFactory, TariffFactory
from tests.members.sms.helpers import plot_with_readings

ON = datetime.date(2022, 6, 1)
SMS_269 = "СНТ Аникино: долг по участку 269 — 7200.00 руб. Просим оплатить."


@pytest.fixture(autouse=True)
def _site_settings(db):
    """The SMS signature comes from the public site's settings."""
    from wagtail.models import Site

    from home.models import SiteSettings

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:  # a transactional test after a flush: the default signature applies
        return
    SiteSettings.objects.update_or_create(
        site=site, defaults={"short_name": "СНТ Аникино", "full_name": "СНТ «Аникино»"}
    )


@pytest.fixture
def article(db):
    # an article with no due date of its own: due 30 days after the charge (31.01.2022)
    return ArticleFactory(name="Вывоз мусора", kind=Article.Kind.OTHER)


def debtor_plot(number, article, amount="7200.00", accrued_on=datetime.date(2022, 1, 1)):
    plot = PlotFactory(number=number)
    ChargeFactory(plot=plot, article=article, amount=Decimal(amount), accrued_on=accrued_on)
    return plot


def member(
    make_member,
    username,
    plots,
    *,
    phone="",
    sms=False,
    verified=True,
    email_consent=True,
    email=None,
    phone_proven=True,
):
    user = make_member(
        username=username, email=f"m{username}@example.org" if email is None else email, verified=verified
    )
    proven = phone if phone_proven else ""
    Profile.objects.update_or_create(
        user=user,
        defaults={"phone": phone, "verified_phone": proven, "sms_consent": sms, "debt_email_consent": email_consent},
    )
    for plot in plots:
        PlotClaim.objects.create(user=user, plot=plot, status=PlotClaim.Status.CONFIRMED)
    return user


def planned(on=ON):
    return sorted((r.plot_number, r.channel, r.username) for r in reminder_plan(on=on).reminders)


def send_round(on=ON, key=None):
    plan = reminder_plan(on=on)
    round_, _ = reminder_round_start(plan=plan, key=key or new_round_key(), user=None)
    return reminder_round_send(round_id=round_.pk, base_url="https://snt.example.org/")


# --- who is reminded ---------------------------------------------------------------------------


def test_threshold_counts_only_the_overdue_debt_from_the_threshold_on(make_member, article):
    owes = debtor_plot(269, article, "1500.00")
    exactly = debtor_plot(270, article, "1000.00")  # «напоминать при долге от 1000»: included
    below = debtor_plot(271, article, "999.99")
    not_due = debtor_plot(272, article, "5000.00", accrued_on=datetime.date(2022, 5, 20))  # due 19.06
    for plot in (owes, exactly, below, not_due):
        member(make_member, str(plot.number), [plot], phone=f"8999000{plot.number}0", sms=True)
    plan = reminder_plan(on=ON)
    assert [(r.plot_number, r.amount) for r in plan.reminders if r.channel == "sms"] == [
        (269, Decimal("1500.00")),
        (270, Decimal("1000.00")),
    ]
    assert plan.debtors == 2
    DebtSettings.objects.create(reminder_threshold=Decimal("1200.00"))
    assert [r.plot_number for r in reminder_plan(on=ON).reminders if r.channel == "sms"] == [269]
    # the planning writes nothing
    assert (ReminderRound.objects.count(), DebtReminder.objects.count(), SmsMessage.objects.count()) == (0, 0, 0)


def test_consent_and_confirmed_contacts_decide_the_channels(make_member, article):
    plots = {n: debtor_plot(n, article) for n in range(301, 309)}
    member(make_member, "301", [plots[301]], phone="89990000301", sms=True)  # SMS and letter
    member(make_member, "302", [plots[302]], phone="89990000302", sms=False)  # no SMS consent: letter only
    member(make_member, "303", [plots[303]], sms=False, verified=False)  # unconfirmed email, no phone: nothing
    member(make_member, "304", [plots[304]], phone="89990000304", sms=True, email_consent=False)  # SMS only
    member(make_member, "305", [plots[305]], email_consent=False)  # opted out, no phone: nothing
    pending = member(make_member, "306", [], phone="89990000306", sms=True)
    PlotClaim.objects.create(user=pending, plot=plots[306], status=PlotClaim.Status.PENDING)
    inactive = member(make_member, "307", [plots[307]], phone="89990000307", sms=True)
    inactive.is_active = False
    inactive.save()
    # a typed phone never proven by a code may be a stranger's: no SMS about a debt
    member(make_member, "308", [plots[308]], phone="89990000308", sms=True, email_consent=False, phone_proven=False)
    assert planned() == [
        (301, "email", "301"),
        (301, "sms", "301"),
        (302, "email", "302"),
        (304, "sms", "304"),
    ]
    plan = reminder_plan(on=ON)
    assert [number for number, _ in plan.unreachable] == [303, 305, 308]
    assert {r.address for r in plan.reminders} == {
        "89990000301",
        "m301@example.org",
        "m302@example.org",
        "89990000304",
    }


def test_nobody_consented_means_nothing_to_send(make_member, article, client, treasurer):
    plot = debtor_plot(269, article)
    member(make_member, "269", [plot], phone="89031221105", sms=False, email_consent=False)
    assert reminder_plan(on=ON).reminders == []
    client.force_login(treasurer)
    page = client.get(reverse("members_reminders"), {"on": "2022-06-01"}).content.decode()
    assert "Напоминать некому" in page
    assert "Отправить напоминания" not in page


def test_a_payment_dated_after_the_date_but_known_now_is_counted(make_member, article):
    plot = debtor_plot(269, article)
    member(make_member, "269", [plot], phone="89031221105", sms=True)
    PaymentFactory(plot=plot, article=article, amount=Decimal("7000.00"), paid_on=datetime.date(2022, 6, 20))
    assert reminder_plan(on=ON).reminders == []  # 200 ₽ left: below the threshold


def test_a_member_with_two_plots_gets_a_reminder_per_plot(make_member, article):
    first, second = debtor_plot(269, article), debtor_plot(270, article, "2500.50")
    member(make_member, "269", [first, second], phone="89031221105", sms=True)
    done = send_round()
    assert (done.queued, done.sent) == (2, 2)
    texts = sorted(SmsMessage.objects.values_list("text", flat=True))
    assert texts == [
        "СНТ Аникино: долг по участку 269 — 7200.00 руб. Просим оплатить.",
        "СНТ Аникино: долг по участку 270 — 2500.50 руб. Просим оплатить.",
    ]
    assert sorted(letter.subject for letter in mail.outbox) == [
        "СНТ «Аникино»: долг по участку 269",
        "СНТ «Аникино»: долг по участку 270",
    ]


def test_a_plot_of_two_members_is_reminded_once_per_channel(make_member, article):
    plot = debtor_plot(269, article)
    member(make_member, "269", [plot], phone="89031221105", sms=True)
    member(make_member, "1269", [plot], phone="89031221106", sms=True)
    assert planned() == [(269, "email", "269"), (269, "sms", "269")]  # the first account of the plot
    send_round()
    assert SmsMessage.objects.count() == 1
    assert len(mail.outbox) == 1


# --- sending -----------------------------------------------------------------------------------


def test_sending_queues_the_sms_in_the_outbox_and_mails_the_letter(make_member, article):
    plot = debtor_plot(269, article)
    user = member(make_member, "269", [plot], phone="89031221105", sms=True)
    done = send_round()
    assert (done.status, done.planned, done.queued, done.sent, done.skipped, done.failed) == ("done", 2, 1, 1, 0, 0)
    sms = SmsMessage.objects.get()
    assert (sms.kind, sms.reminder_round_id, sms.user, sms.plot, sms.period) == (
        "reminder",
        done.pk,
        user,
        plot,
        "2022-06",
    )
    assert (sms.phone, sms.text, sms.segments, sms.status) == ("89031221105", SMS_269, 1, "queued")
    log = {row.channel: row for row in DebtReminder.objects.filter(round=done)}
    assert (log["sms"].status, log["sms"].sms, log["sms"].amount, log["sms"].amount_at_send) == (
        "queued",
        sms,
        Decimal("7200.00"),
        Decimal("7200.00"),
    )
    assert log["email"].status == "sent"
    [letter] = mail.outbox
    assert letter.to == ["m269@example.org"]
    assert letter.subject == "СНТ «Аникино»: долг по участку 269"
    assert "По участку 269 есть просроченный долг: 7200.00 руб." in letter.body
    assert "https://snt.example.org/cabinet/payments/" in letter.body
    assert "Отказаться от таких писем" in letter.body and "https://snt.example.org/cabinet/edit/" in letter.body


def test_unconfirmed_email_gets_no_letter_and_no_phone_gets_no_sms(make_member, article):
    plot = debtor_plot(269, article)
    member(make_member, "269", [plot], verified=False, phone="", sms=False)
    assert reminder_plan(on=ON).reminders == []
    plot_270 = debtor_plot(270, article)
    member(make_member, "270", [plot_270])  # a confirmed email, no phone
    send_round()
    assert SmsMessage.objects.count() == 0
    assert [letter.to for letter in mail.outbox] == [["m270@example.org"]]


def test_a_plot_that_paid_between_preview_and_send_is_skipped(make_member, article):
    paid, owes = debtor_plot(269, article), debtor_plot(270, article)
    member(make_member, "269", [paid], phone="89031221105", sms=True)
    member(make_member, "270", [owes], phone="89031221106", sms=True)
    plan = reminder_plan(on=ON)
    assert plan.count == 4
    round_, created = reminder_round_start(plan=plan, key=new_round_key(), user=None)
    assert created
    PaymentFactory(plot=paid, article=article, amount=Decimal("7200.00"), paid_on=datetime.date(2022, 6, 15))
    done = reminder_round_send(round_id=round_.pk)
    assert (done.queued, done.sent, done.skipped) == (1, 1, 2)
    skipped = DebtReminder.objects.filter(plot=paid)
    assert {(row.status, row.amount, row.amount_at_send) for row in skipped} == {
        ("skipped_paid", Decimal("7200.00"), Decimal("0.00"))
    }
    assert list(SmsMessage.objects.values_list("plot__number", flat=True)) == [270]
    assert [letter.to for letter in mail.outbox] == [["m270@example.org"]]


def test_the_same_round_sent_twice_sends_once(make_member, article):
    plot = debtor_plot(269, article)
    member(make_member, "269", [plot], phone="89031221105", sms=True)
    plan = reminder_plan(on=ON)
    key = new_round_key()
    round_, created = reminder_round_start(plan=plan, key=key, user=None)
    again, created_again = reminder_round_start(plan=plan, key=key, user=None)  # a double click
    assert (created, created_again, again.pk) == (True, False, round_.pk)
    reminder_round_send(round_id=round_.pk)
    reminder_round_send(round_id=round_.pk)
    assert SmsMessage.objects.count() == 1
    assert len(mail.outbox) == 1
    assert DebtReminder.objects.count() == 2


def test_a_later_round_reminds_again_and_the_monthly_sms_is_untouched(make_member, article):
    TariffFactory()
    plot = plot_with_readings(269, (9012, 2901), (9532, 3118))
    ChargeFactory(plot=plot, article=article, amount=Decimal("7200.00"), accrued_on=datetime.date(2022, 1, 1))
    member(make_member, "269", [plot], phone="89031221105", sms=True)
    first, second = send_round(), send_round()
    assert first.pk != second.pk
    assert SmsMessage.objects.filter(kind="reminder").count() == 2
    assert len(mail.outbox) == 2
    # the monthly SMS of May is planned and queued beside the reminders of June and May
    send_round(on=datetime.date(2022, 5, 31))
    assert [m.in_outbox for m in sms_plan(period="2022-05").messages] == [False]
    assert sms_outbox_fill(period="2022-05").queued == 1
    assert sms_outbox_fill(period="2022-05").queued == 0
    assert SmsMessage.objects.filter(kind="monthly").count() == 1


def test_the_outbox_sends_the_reminders_to_smsru(make_member, article, fake_smsru):
    plot = debtor_plot(269, article)
    member(make_member, "269", [plot], phone="89031221105", sms=True)
    send_round()
    summary = sms_outbox_send()
    assert summary.sent == 1
    assert fake_smsru.sent_texts == [("79031221105", SMS_269)]
    assert DebtReminder.objects.get(channel="sms").sms.status == SmsMessage.Status.SENT


class RefusingMailServer(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused({"m269@example.org": (550, b"mailbox unavailable")})


class UnreachableMailServer(BaseEmailBackend):
    def open(self):
        raise ConnectionRefusedError(111, "Connection refused")


@pytest.mark.parametrize(
    ("backend", "reason"),
    [("RefusingMailServer", "письмо не отправлено: "), ("UnreachableMailServer", "почтовый сервер недоступен: ")],
)
def test_a_letter_the_mail_server_refuses_is_logged_as_not_sent(make_member, article, settings, backend, reason):
    settings.EMAIL_BACKEND = f"tests.members.test_reminders.{backend}"
    plot = debtor_plot(269, article)
    member(make_member, "269", [plot], phone="89031221105", sms=True)
    done = send_round()
    assert (done.status, done.queued, done.sent, done.failed) == ("done", 1, 0, 1)
    letter = DebtReminder.objects.get(channel="email")
    assert letter.status == "failed"
    assert letter.error.startswith(reason)


def test_a_member_who_withdrew_consent_before_sending_gets_nothing(make_member, article):
    plot = debtor_plot(269, article)
    user = member(make_member, "269", [plot], phone="89031221105", sms=True)
    round_, _ = reminder_round_start(plan=reminder_plan(on=ON), key=new_round_key(), user=None)
    Profile.objects.filter(user=user).update(sms_consent=False, debt_email_consent=False)
    done = reminder_round_send(round_id=round_.pk)
    assert (done.queued, done.sent, done.failed) == (0, 0, 2)
    assert (SmsMessage.objects.count(), len(mail.outbox)) == (0, 0)


def _at_once(*calls) -> list:
    """Run the calls in threads at the same time; returns what they returned (errors re-raised)."""
    results, errors, start = [None] * len(calls), [], threading.Barrier(len(calls))

    def run(index, call):
        try:
            start.wait()
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - re-raised below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


@pytest.mark.django_db(transaction=True)
def test_two_clicks_and_two_workers_at_once_remind_each_plot_once(make_member):
    article = ArticleFactory(name="Вывоз мусора", kind=Article.Kind.OTHER)
    for number in range(1, 251):  # three chunks
        member(make_member, str(number), [debtor_plot(number, article)], phone=f"8999{number:07d}", sms=True)
    plan, key = reminder_plan(on=ON), new_round_key()
    assert plan.count == 500
    started = _at_once(*[lambda: reminder_round_start(plan=plan, key=key, user=None)] * 2)
    assert sorted(created for _, created in started) == [False, True]
    assert started[0][0].pk == started[1][0].pk
    round_id = started[0][0].pk
    _at_once(*[lambda: reminder_round_send(round_id=round_id)] * 2)
    assert ReminderRound.objects.count() == 1
    assert SmsMessage.objects.count() == 250
    assert len(mail.outbox) == 250
    assert len({tuple(letter.to) for letter in mail.outbox}) == 250
    assert set(DebtReminder.objects.values_list("status", flat=True)) == {"queued", "sent"}
    assert ReminderRound.objects.get().status == "done"


def test_planning_takes_the_same_queries_for_3_and_30_plots(make_member, article):
    def world(first, count):
        for number in range(first, first + count):
            plot = debtor_plot(number, article)
            member(make_member, str(number), [plot], phone=f"8999{number:07d}", sms=True)

    world(100, 3)
    with CaptureQueriesContext(connection) as small:
        assert reminder_plan(on=ON).count == 6
    world(200, 27)
    with CaptureQueriesContext(connection) as large:
        assert reminder_plan(on=ON).count == 60
    assert len(small) == len(large) == 11


# --- the SMS text fits one part ------------------------------------------------------------------


def test_the_default_sms_text_fits_one_part_with_the_longest_values(article):
    PlotFactory(number=12345)
    sample = longest_sample(DebtSettings().reminder_sms_text)
    assert sample == "СНТ Аникино: долг по участку 99999 — 999999.99 руб. Просим оплатить."
    assert sms_segments(sample) == 1
    DebtSettings().full_clean()


def test_a_text_too_long_for_one_sms_is_refused_in_russian():
    settings = DebtSettings(
        reminder_sms_text="{name}: по участку {plot} долг {amount} руб. Оплатите, пожалуйста, до конца месяца."
    )
    with pytest.raises(ValidationError) as refused:
        settings.full_clean()
    message = refused.value.message_dict["reminder_sms_text"][0]
    assert message.startswith("С подстановками текст займёт 2 SMS")
    assert "999999.99" in message
    assert sms_text_problem("{name}: долг {amount}") is None


@pytest.mark.parametrize(
    "text", ["Долг {amount.__class__}", "Долг {amount!r}", "Долг {plot:>40}", "Долг {0}", "Долг {"]
)
def test_placeholders_are_bare_names_only(text):
    with pytest.raises(ValidationError) as refused:
        DebtSettings(reminder_sms_text=text).full_clean()
    assert "подстановк" in refused.value.message_dict["reminder_sms_text"][0]


def test_a_text_stored_before_the_checks_stops_the_plan_with_a_reason(make_member, article):
    plot = debtor_plot(269, article)
    member(make_member, "269", [plot], phone="89031221105", sms=True)
    DebtSettings.objects.create(reminder_sms_text="Долг {amount.__class__}")
    plan = reminder_plan(on=ON)
    assert plan.reminders == []
    assert "Неизвестная подстановка" in plan.errors[0]


# --- the admin pages -----------------------------------------------------------------------------


@pytest.fixture
def debtor(make_member, article):
    plot = debtor_plot(269, article)
    return member(make_member, "269", [plot], phone="89031221105", sms=True)


def preview_key(client) -> str:
    page = client.get(reverse("members_reminders"), {"on": "2022-06-01"}).content.decode()
    return re.search(r'name="key" value="([0-9a-f]{32})"', page).group(1)


def test_preview_shows_count_list_and_sms_sample_and_sends_nothing(client, treasurer, debtor):
    client.force_login(treasurer)
    response = client.get(reverse("members_reminders"), {"on": "2022-06-01"})
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Предпросмотр на 01.06.2022: напоминаний 2 (ничего не отправлено)" in html
    assert SMS_269 in html
    assert "частей SMS: 1" in html
    assert 'name="confirm_count" value="2"' in html
    assert "Отправить напоминания (2)" in html
    assert "Напоминаний ещё не отправляли." in html
    assert (ReminderRound.objects.count(), SmsMessage.objects.count(), len(mail.outbox)) == (0, 0, 0)


def test_send_from_the_preview_then_the_round_page_shows_who_was_reminded(
    client, treasurer, debtor, django_capture_on_commit_callbacks
):
    client.force_login(treasurer)
    key = preview_key(client)
    data = {"action": "send", "on": "2022-06-01", "confirm_count": "2", "key": key}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("members_reminders"), data, follow=True)
        again = client.post(reverse("members_reminders"), data, follow=True)  # the second click
    html = response.content.decode()
    assert "Напоминания поставлены в очередь задач: 2." in html
    round_ = ReminderRound.objects.get()
    assert (round_.created_by, round_.status, round_.queued, round_.sent) == (treasurer, "done", 1, 1)
    page = client.get(reverse("members_reminder_round", args=[round_.pk])).content.decode()
    assert "SMS в очереди: 1, писем отправлено: 1" in page
    sms = DebtReminder.objects.get(channel="sms").sms
    assert sms.status in (SmsMessage.Status.SENT, SmsMessage.Status.DELIVERED)  # the console gateway, from the outbox
    assert f"89031221105: {sms.get_status_display()}" in page
    assert "уже отправлены" in again.content.decode()
    assert (SmsMessage.objects.count(), len(mail.outbox)) == (1, 1)
    index = client.get(reverse("members_reminders")).content.decode()
    assert f"№ {round_.pk}" in index


def test_a_count_that_changed_since_the_preview_sends_nothing(client, treasurer, debtor, article, make_member):
    client.force_login(treasurer)
    key = preview_key(client)
    member(make_member, "270", [debtor_plot(270, article)])  # one more debtor meanwhile
    data = {"action": "send", "on": "2022-06-01", "confirm_count": "2", "key": key}
    response = client.post(reverse("members_reminders"), data, follow=True)
    assert "сейчас к отправке 3" in response.content.decode()
    assert ReminderRound.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("on", "２０２２-０６-０１"),
        ("on", "01.06.2022"),
        ("on", "2022-02-30"),
        ("key", "x" * 32),
        ("key", ""),
        ("confirm_count", "２"),
        ("confirm_count", "9" * 30),
        ("confirm_count", "-2"),
    ],
)
def test_hostile_posts_send_nothing(client, treasurer, debtor, field, value):
    client.force_login(treasurer)
    data = {"action": "send", "on": "2022-06-01", "confirm_count": "2", "key": preview_key(client)} | {field: value}
    response = client.post(reverse("members_reminders"), data, follow=True)
    assert response.status_code == HTTPStatus.OK
    assert "не отправлены" in response.content.decode()
    assert (ReminderRound.objects.count(), SmsMessage.objects.count(), len(mail.outbox)) == (0, 0, 0)


@pytest.mark.parametrize(
    ("on", "error"), [("2099-01-01", "в будущем"), ("２０２２-06-01", "ГГГГ-ММ-ДД"), ("1999-12-31", "раньше")]
)
def test_bad_dates_are_refused_in_russian(client, treasurer, on, error):
    client.force_login(treasurer)
    assert error in client.get(reverse("members_reminders"), {"on": on}).content.decode()


def test_only_the_treasurer_sees_and_sends(client, debtor, editor, treasurer):
    index, data = reverse("members_reminders"), {"action": "send", "on": "2022-06-01", "confirm_count": "2"}
    for user in (None, debtor, editor):
        if user is not None:
            client.force_login(user)
        for response in (client.get(index), client.post(index, data | {"key": new_round_key()})):
            assert response.status_code == HTTPStatus.FOUND
            assert response["Location"].split("?")[0] in ("/accounts/login/", "/admin/login/", "/admin/")
    assert ReminderRound.objects.count() == 0
    assert "Напоминания должникам" not in menu_labels(editor).get("Бухгалтерия", [])
    client.force_login(treasurer)
    assert client.get(index).status_code == HTTPStatus.OK
    assert client.get(reverse("members_reminder_round", args=[999])).status_code == HTTPStatus.NOT_FOUND
    assert "Напоминания должникам" in menu_labels(treasurer)["Бухгалтерия"]


def test_the_outbox_screen_marks_the_reminders(client, treasurer, debtor):
    send_round()
    client.force_login(treasurer)
    page = client.get(reverse("members_sms"), {"period": "2022-06"}).content.decode()
    assert SMS_269 in page
    assert "напоминание о долге" in page


# --- the management command ----------------------------------------------------------------------


def test_the_command_dry_run_writes_nothing_and_the_run_sends(debtor, capsys):
    call_command("send_debt_reminders", "--on", "2022-06-01", "--dry-run")
    out = capsys.readouterr().out
    assert "участок 269, 269, SMS: 7200.00 ₽" in out
    assert "Пробный запуск, ничего не отправлено. Напоминаний 2: SMS 1, писем 1." in out
    assert (ReminderRound.objects.count(), SmsMessage.objects.count(), len(mail.outbox)) == (0, 0, 0)
    call_command("send_debt_reminders", "--on", "01.06.2022")
    assert "SMS в очереди 1, писем 1" in capsys.readouterr().out
    assert (ReminderRound.objects.count(), SmsMessage.objects.count(), len(mail.outbox)) == (1, 1, 1)


@pytest.mark.parametrize(("on", "error"), [("2099-01-01", "в будущем"), ("июнь", "Не понимаю дату")])
def test_the_command_refuses_bad_dates_in_russian(on, error):
    with pytest.raises(CommandError, match=error):
        call_command("send_debt_reminders", "--on", on)


# --- the member's opt-out --------------------------------------------------------------------------


def test_the_member_opts_out_of_letters_in_the_registration_data(member_client, member, plot_269):
    page = member_client.get(reverse("cabinet:edit")).content.decode()
    assert "Присылать на электронную почту напоминания о долгах?" in page
    assert re.search(r'name="debt_email_consent" value="yes"[^>]*checked', page)
    form = {"plots": "269", "owner_name": "", "contact_persons": "", "phone": ""}
    member_client.post(reverse("cabinet:edit"), form | {"debt_email_consent": "no"})
    assert Profile.objects.get(user=member).debt_email_consent is False
    assert (
        "Напоминания о долгах на почту</dt>\n            <dd>нет"
        in member_client.get(reverse("cabinet:profile")).content.decode()
    )
    member_client.post(reverse("cabinet:edit"), form)  # the question left unanswered keeps the answer
    assert Profile.objects.get(user=member).debt_email_consent is False
    member_client.post(reverse("cabinet:edit"), form | {"debt_email_consent": "yes"})
    assert Profile.objects.get(user=member).debt_email_consent is True


def test_the_settings_page_refuses_a_two_part_sms_next_to_the_field(client, treasurer):
    client.force_login(treasurer)
    url = client.get(reverse("wagtailsettings:edit", args=["billing", "debtsettings"]))["Location"]
    form = {
        "fee_due_day": "1",
        "fee_due_month": "7",
        "electricity_due_day": "5",
        "other_due_days": "30",
        "reminder_threshold": "1000.00",
        "reminder_sms_text": "{name}: по участку {plot} долг {amount} руб. Оплатите, пожалуйста, до конца месяца.",
        "reminder_email_text": "Долг {amount}",
    }
    response = client.post(url, form)
    assert response.status_code == HTTPStatus.OK
    assert "С подстановками текст займёт 2 SMS" in response.content.decode()
    assert DebtSettings.objects.get().reminder_sms_text == DebtSettings().reminder_sms_text  # unchanged
    client.post(url, form | {"reminder_sms_text": "{name}: долг по уч. {plot} — {amount} руб."})
    assert DebtSettings.objects.get().reminder_sms_text == "{name}: долг по уч. {plot} — {amount} руб."


def test_a_large_round_is_read_page_by_page_in_a_fixed_number_of_queries(
    client, treasurer, make_member, django_assert_num_queries
):
    user = make_member(username="900")
    round_ = ReminderRound.objects.create(key=new_round_key(), on=ON, threshold=Decimal("100.00"), sms_text="Долг")
    plots = PlotFactory.create_batch(105)
    DebtReminder.objects.bulk_create(
        DebtReminder(round=round_, plot=plot, user=user, channel="sms", amount=Decimal("10.00")) for plot in plots
    )
    client.force_login(treasurer)
    url = reverse("members_reminder_round", args=[round_.pk])
    client.get(url)  # warm the session and the admin's caches
    with django_assert_num_queries(13):
        first = client.get(url).content.decode()
    with django_assert_num_queries(13):
        second = client.get(url, {"p": "2"}).content.decode()
    numbers = sorted(plot.number for plot in plots)
    assert "Строки 1–100 из 105, страница 1 из 2." in first
    assert f"<td>{numbers[99]}</td>" in first and f"<td>{numbers[100]}</td>" not in first
    assert "Строки 101–105 из 105, страница 2 из 2." in second
    assert f"<td>{numbers[100]}</td>" in second and f"<td>{numbers[0]}</td>" not in second
