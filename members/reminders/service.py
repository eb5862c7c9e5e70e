"""Reminders to debtors: the plan (who, by which channel, with which text; writes nothing), the
round the treasurer confirms, and its sending.

- Who: each confirmed plot whose debt overdue on the date, less every payment known now (also one
  dated after the date), is at least the threshold of the settings.
- By SMS: the first member of the plot (by account) with SMS consent and a phone proven by a code
  (unlike the monthly SMS, which predates phone proofs: a debt is personal data); the message goes
  into the SMS outbox (kind «напоминание о долге») and is sent from there.
- By email: the first member of the plot with a confirmed address who has not opted out
  (Profile.debt_email_consent). An empty email text in the settings sends no letters.
- At most one SMS and one letter per plot and round: the log's unique key (round, plot, channel),
  the outbox's (member, plot, round), and the round's one-time key from the preview form.
- Never to a plot that paid meanwhile: each chunk of the round rechecks its plots' debts right
  before its SMS are queued and its letters sent; a plot below the threshold is logged as skipped.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import get_connection, send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django_q.tasks import async_task

from billing.services.debts.loading import load_debts
from members.partnership import partnership_settings
from members.reminders.models import DebtReminder, ReminderRound
from members.reminders.plan import EMAIL, SMS, ReminderPlan, member_email, member_phone, owed, verified_addresses
from members.reminders.text import money, sms_text
from members.sms.models import SmsMessage
from members.sms.segments import sms_segments

logger = logging.getLogger("members.reminders")

CHUNK = 100  # reminders rechecked and sent together


def new_round_key() -> str:
    """The preview form's one-time key."""
    return uuid.uuid4().hex


@transaction.atomic
def reminder_round_start(*, plan: ReminderPlan, key: str, user: AbstractBaseUser | None) -> tuple[ReminderRound, bool]:
    """The round of a confirmed preview with its reminders planned; the same key again (a double
    click, a second tab of the same preview) returns the round made the first time, unchanged."""
    existing = ReminderRound.objects.filter(key=key).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            round_ = ReminderRound.objects.create(
                key=key,
                on=plan.on,
                threshold=plan.threshold,
                sms_text=plan.sms_template,
                email_text=plan.email_template,
                created_by=user if user is not None and user.is_authenticated else None,
                planned=plan.count,
            )
    except IntegrityError:  # the other click's transaction won
        return ReminderRound.objects.get(key=key), False
    DebtReminder.objects.bulk_create(
        [
            DebtReminder(
                round=round_,
                plot_id=reminder.plot_id,
                user_id=reminder.user_id,
                channel=reminder.channel,
                amount=reminder.amount,
            )
            for reminder in plan.reminders
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    return round_, True


def _claim_chunk(round_id: int) -> list[DebtReminder]:
    """Up to CHUNK planned reminders marked as sending under a fresh token: a second run of the
    same round, even at the same time, never gets them."""
    planned = DebtReminder.objects.filter(round_id=round_id, status=DebtReminder.Status.PLANNED)
    ids = list(planned.order_by("pk").values_list("pk", flat=True)[:CHUNK])
    if not ids:
        return []
    token = uuid.uuid4().hex
    planned.filter(pk__in=ids).update(status=DebtReminder.Status.SENDING, claim=token, updated_at=timezone.now())
    rows = DebtReminder.objects.filter(claim=token, status=DebtReminder.Status.SENDING)
    return list(rows.select_related("plot", "user__profile").order_by("pk"))


@dataclass(frozen=True)
class Letter:
    full_name: str
    signature: str
    cabinet_url: str  # «Статус моих оплат»
    settings_url: str  # where the member opts out


def _letter_context(base_url: str) -> Letter:
    partnership = partnership_settings()
    base = (base_url or getattr(settings, "WAGTAILADMIN_BASE_URL", "") or "").rstrip("/")
    return Letter(
        full_name=partnership.full_name,
        signature=partnership.short_name,
        cabinet_url=base + reverse("cabinet:payments"),
        settings_url=base + reverse("cabinet:edit"),
    )


def reminder_letter(round_: ReminderRound, letter: Letter, *, plot: int, amount: Decimal) -> tuple[str, str]:
    """Subject and text of one plot's letter: the settings' text and how to opt out."""
    text = sms_text(round_.email_text, signature=letter.signature, plot=plot, amount=amount)
    subject = f"{letter.full_name}: долг по участку {plot}"
    body = (
        f"{text}\n\n"
        f"Статус ваших оплат: {letter.cabinet_url}\n\n"
        "Это служебное напоминание о долге. Если вы уже оплатили, не обращайте на него внимания. "
        "Отказаться от таких писем можно в личном кабинете, «Изменить регистрационные данные»: "
        f"{letter.settings_url}\n"
    )
    return subject, body


def _send_chunk(round_: ReminderRound, rows: list[DebtReminder], letter: Letter) -> int:
    """Recheck the chunk's debts, queue its SMS and send its letters; returns the SMS queued."""
    debts = load_debts(plot_ids={row.plot_id for row in rows})
    addresses = verified_addresses({row.user_id for row in rows if row.channel == EMAIL})
    texts: dict[int, str] = {}
    letters: list[DebtReminder] = []
    for row in rows:
        row.amount_at_send = amount = owed(debts.get(row.plot_id), round_.on)
        if amount < round_.threshold:
            row.status, row.error = DebtReminder.Status.SKIPPED_PAID, f"долг {money(amount)} ₽ — ниже порога"
        elif row.channel == SMS and not member_phone(row.user):
            row.status, row.error = DebtReminder.Status.FAILED, "нет телефона или согласия на SMS"
        elif row.channel == EMAIL and not member_email(row.user, addresses):
            row.status, row.error = (
                DebtReminder.Status.FAILED,
                "нет подтверждённого адреса или садовод отказался от писем",
            )
        elif row.channel == SMS:
            texts[row.pk] = sms_text(round_.sms_text, signature=letter.signature, plot=row.plot.number, amount=amount)
        else:
            letters.append(row)
    queued = _queue_sms(round_, [row for row in rows if row.pk in texts], texts)
    done = [row for row in rows if row not in letters]
    _save_rows(done)
    if letters:
        _send_letters(round_, letters, letter, addresses)
    return queued


def _send_letters(round_: ReminderRound, rows: list[DebtReminder], letter: Letter, addresses: dict[int, str]) -> None:
    """The chunk's letters over one SMTP session; a mail server that cannot be reached fails them
    all with its reason (the treasurer sees it; the next round reminds again)."""
    mailer = get_connection()
    try:
        mailer.open()
    except (smtplib.SMTPException, OSError) as exc:
        logger.warning("reminder letters: the mail server refused: %s", exc.__class__.__name__)
        for row in rows:
            _save_letter(row, DebtReminder.Status.FAILED, f"почтовый сервер недоступен: {exc}")
        return
    try:
        for row in rows:
            _send_letter(round_, row, letter, addresses[row.user_id], mailer)
    finally:
        mailer.close()


def _save_rows(rows: list[DebtReminder]) -> None:
    """The chunk's outcomes in one executemany: `bulk_update` builds a CASE per field and row, and
    took most of a round's time (tests/perf/bench_reminders.py)."""
    if not rows:
        return
    meta, quote = DebtReminder._meta, connection.ops.quote_name
    columns = [meta.get_field(name).column for name in ("status", "error", "amount_at_send", "sms", "updated_at")]
    assignments = ", ".join(f"{quote(column)} = %s" for column in columns)
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608  # nosec B608 - quoted model names
    now = timezone.now()
    field = meta.get_field
    params = [
        (
            row.status,
            row.error[:255],
            field("amount_at_send").get_db_prep_save(row.amount_at_send, connection),
            row.sms_id,
            field("updated_at").get_db_prep_save(now, connection),
            row.pk,
        )
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _queue_sms(round_: ReminderRound, rows: list[DebtReminder], texts: dict[int, str]) -> int:
    """The chunk's SMS into the outbox, each row linked to its message."""
    if not rows:
        return 0
    period = f"{round_.on:%Y-%m}"
    messages = [
        SmsMessage(
            user_id=row.user_id,
            plot_id=row.plot_id,
            period=period,
            kind=SmsMessage.Kind.REMINDER,
            reminder_round=round_,
            phone=row.user.profile.phone,
            text=texts[row.pk],
            segments=sms_segments(texts[row.pk]),
        )
        for row in rows
    ]
    with transaction.atomic():
        SmsMessage.objects.bulk_create(messages, ignore_conflicts=True)
        linked = SmsMessage.objects.filter(reminder_round=round_, plot_id__in=[row.plot_id for row in rows])
        keys = {(user_id, plot_id): pk for pk, user_id, plot_id in linked.values_list("pk", "user_id", "plot_id")}
    for row in rows:
        row.sms_id = keys.get((row.user_id, row.plot_id))
        row.status = DebtReminder.Status.QUEUED
        row.updated_at = timezone.now()
    return len(rows)


def _send_letter(round_: ReminderRound, row: DebtReminder, letter: Letter, address: str, mailer) -> None:
    """One letter, and its outcome saved at once: a crash after it leaves the row «отправляется»,
    never sent again by itself."""
    subject, body = reminder_letter(round_, letter, plot=row.plot.number, amount=row.amount_at_send)
    try:
        send_mail(subject, body, None, [address], connection=mailer)
    except (smtplib.SMTPException, OSError) as exc:
        logger.warning("reminder letter for plot %s failed: %s", row.plot_id, exc.__class__.__name__)
        _save_letter(row, DebtReminder.Status.FAILED, f"письмо не отправлено: {exc}")
    else:
        _save_letter(row, DebtReminder.Status.SENT, "")


def _save_letter(row: DebtReminder, status: str, error: str) -> None:
    row.status, row.error = status, error[:255]
    DebtReminder.objects.filter(pk=row.pk).update(
        status=row.status, error=row.error, amount_at_send=row.amount_at_send, updated_at=timezone.now()
    )


def reminder_round_send(*, round_id: int, base_url: str = "") -> ReminderRound:
    """Send what the round still has planned, chunk by chunk; run twice, it sends nothing twice.
    Queued SMS then go out by the outbox's own sending (a django-q2 task)."""
    round_ = ReminderRound.objects.get(pk=round_id)
    ReminderRound.objects.filter(pk=round_id, status=ReminderRound.Status.PLANNED).update(
        status=ReminderRound.Status.SENDING
    )
    letter = _letter_context(base_url)
    queued = 0
    while rows := _claim_chunk(round_id):
        queued += _send_chunk(round_, rows, letter)
        round_ = reminder_round_count(round_id)  # the round's page shows the progress
    round_ = reminder_round_count(round_id)
    if queued:
        transaction.on_commit(lambda: async_task("members.tasks.send_sms_outbox"))
    return round_


def reminder_round_count(round_id: int) -> ReminderRound:
    """The round's counts from its log; done when nothing is left to send."""
    counts = dict(
        DebtReminder.objects.filter(round_id=round_id).values_list("status").annotate(n=Count("pk")).order_by()
    )
    status = DebtReminder.Status
    left = counts.get(status.PLANNED, 0) + counts.get(status.SENDING, 0)
    values = {
        "queued": counts.get(status.QUEUED, 0),
        "sent": counts.get(status.SENT, 0),
        "skipped": counts.get(status.SKIPPED_PAID, 0),
        "failed": counts.get(status.FAILED, 0),
    }
    if not left:
        values |= {"status": ReminderRound.Status.DONE, "finished_at": timezone.now()}
    ReminderRound.objects.filter(pk=round_id).update(**values)
    return ReminderRound.objects.get(pk=round_id)
