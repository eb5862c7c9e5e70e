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

import datetime
import logging
import smtplib
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import get_connection, send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django_q.tasks import async_task

from billing.models import DebtSettings
from billing.models.debts import reminder_text_problem
from billing.services.debts.items import ZERO, PlotDebts
from billing.services.debts.loading import load_debts
from billing.services.debts.policy import DuePolicy
from members.models import PlotClaim, Profile
from members.partnership import partnership_settings
from members.reminders.models import DebtReminder, ReminderRound
from members.reminders.text import money, sms_text
from members.sms.models import SmsMessage
from members.sms.segments import sms_segments

logger = logging.getLogger("members.reminders")

CHUNK = 100  # reminders rechecked and sent together
EARLIEST = datetime.date(2000, 1, 1)
SMS, EMAIL = DebtReminder.Channel.SMS, DebtReminder.Channel.EMAIL


def owed(debts: PlotDebts | None, on: datetime.date) -> Decimal:
    """What was overdue on `on` and is still unpaid by every payment known now: a member who paid
    after the date (a bank payment imported later) is not reminded of it."""
    if debts is None:
        return ZERO
    return sum((item.outstanding() for item in debts.items() if on > item.due_on), ZERO)


def check_date(on: datetime.date) -> str | None:
    """A Russian reason the date cannot be a round's date, or None."""
    if on > timezone.localdate():
        return "Дата долга не может быть в будущем: напоминают о том, что уже просрочено."
    if on < EARLIEST:
        return f"Дата долга не может быть раньше {EARLIEST:%d.%m.%Y}."
    return None


@dataclass(frozen=True)
class PlannedReminder:
    plot_id: int
    plot_number: int
    amount: Decimal
    user_id: int
    username: str
    channel: str
    address: str  # the phone or the email, for the preview
    text: str  # the SMS, or the letter's text

    @property
    def segments(self) -> int:
        return sms_segments(self.text) if self.channel == SMS else 0

    @property
    def channel_label(self) -> str:
        return DebtReminder.Channel(self.channel).label


@dataclass
class ReminderPlan:
    on: datetime.date
    threshold: Decimal
    sms_template: str
    email_template: str
    signature: str
    reminders: list[PlannedReminder] = field(default_factory=list)
    debtors: int = 0  # plots with a confirmed claim at or above the threshold
    unreachable: list[tuple[int, Decimal]] = field(default_factory=list)  # debtors nobody can be reminded
    errors: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.reminders)

    @property
    def sms_count(self) -> int:
        return sum(1 for reminder in self.reminders if reminder.channel == SMS)

    @property
    def email_count(self) -> int:
        return self.count - self.sms_count

    @property
    def longest_sms(self) -> PlannedReminder | None:
        texts = [reminder for reminder in self.reminders if reminder.channel == SMS]
        return max(texts, key=lambda reminder: (reminder.segments, len(reminder.text)), default=None)


def _profile(user) -> Profile | None:
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


def _phone(user) -> str:
    """The phone, if the member consented and proved it is theirs by a code: a debt is personal
    data, and a typed number may be a stranger's."""
    profile = _profile(user)
    return profile.phone if profile is not None and profile.sms_consent and profile.phone_verified else ""


def _email(user, addresses: dict[int, str]) -> str:
    profile = _profile(user)
    return addresses.get(user.pk, "") if profile is None or profile.debt_email_consent else ""


def verified_addresses(user_ids: Iterable[int]) -> dict[int, str]:
    """Each member's confirmed address, the primary one first: one query."""
    addresses: dict[int, str] = {}
    verified = EmailAddress.objects.filter(user_id__in=list(user_ids), verified=True).order_by(
        "user_id", "-primary", "pk"
    )
    for user_id, email in verified.values_list("user_id", "email"):
        addresses.setdefault(user_id, email)
    return addresses


CLAIM_FIELDS = (
    "plot__number",
    "user__username",
    "user__profile__phone",
    "user__profile__sms_consent",
    "user__profile__verified_phone",
    "user__profile__debt_email_consent",
)


def _claims() -> list[PlotClaim]:
    """Confirmed claims on active plots of active members, by plot number and member: one query."""
    return list(
        PlotClaim.objects.filter(status=PlotClaim.Status.CONFIRMED, plot__active=True, user__is_active=True)
        .select_related("user__profile", "plot")
        .only(*CLAIM_FIELDS)
        .order_by("plot__number", "user_id")
    )


def reminder_plan(*, on: datetime.date) -> ReminderPlan:
    """Every reminder a round on `on` would send now. Writes nothing; a fixed number of queries
    whatever the number of plots."""
    stored = DebtSettings.current()
    plan = ReminderPlan(
        on=on,
        threshold=stored.reminder_threshold,
        sms_template=stored.reminder_sms_text,
        email_template=stored.reminder_email_text.strip(),
        signature=partnership_settings().short_name,
    )
    problem = check_date(on) or _template_problem(plan.sms_template, plan.email_template)
    if problem:
        plan.errors.append(problem)
        return plan
    claims = _claims()
    addresses = verified_addresses({claim.user_id for claim in claims})
    policy = DuePolicy(**{name: getattr(stored, column) for name, column in DuePolicy.COLUMNS.items()})
    debts = load_debts(plot_ids={claim.plot_id for claim in claims}, policy=policy)
    by_plot: dict[int, list[PlotClaim]] = defaultdict(list)
    for claim in claims:
        by_plot[claim.plot_id].append(claim)
    for plot_claims in by_plot.values():
        amount = owed(debts.get(plot_claims[0].plot_id), on)
        if amount >= plan.threshold:
            _plan_plot(plan, plot_claims, amount, addresses)
    return plan


def _template_problem(*templates: str) -> str | None:
    """A text stored before the settings checked it stops the plan (the texts are checked once
    here, then filled by str.format for each plot)."""
    for template in templates:
        problem = reminder_text_problem(template)
        if problem:
            return f"Текст напоминания не годится: {problem} Исправьте его в «Сроки оплаты и напоминания»."
    return None


def _plan_plot(plan: ReminderPlan, claims: list[PlotClaim], amount: Decimal, addresses: dict[int, str]) -> None:
    """The plot's SMS and letter, each to the first of its members who can get it."""
    plan.debtors += 1
    plot = claims[0].plot
    channels = [SMS, EMAIL] if plan.email_template else [SMS]
    before = len(plan.reminders)
    for channel in channels:
        for claim in claims:
            address = _phone(claim.user) if channel == SMS else _email(claim.user, addresses)
            if address:
                template = plan.sms_template if channel == SMS else plan.email_template
                plan.reminders.append(
                    PlannedReminder(
                        plot_id=plot.pk,
                        plot_number=plot.number,
                        amount=amount,
                        user_id=claim.user_id,
                        username=claim.user.get_username(),
                        channel=channel,
                        address=address,
                        text=template.format(name=plan.signature, plot=plot.number, amount=money(amount)),
                    )
                )
                break
    if len(plan.reminders) == before:
        plan.unreachable.append((plot.number, amount))


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
        elif row.channel == SMS and not _phone(row.user):
            row.status, row.error = DebtReminder.Status.FAILED, "нет телефона или согласия на SMS"
        elif row.channel == EMAIL and not _email(row.user, addresses):
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
