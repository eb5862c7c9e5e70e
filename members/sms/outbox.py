"""The monthly SMS: fill the outbox in one transaction, then send from it.

Filling is idempotent (one row per member, plot and period, by a unique key); sending
claims rows by a token so two workers never send the same row; a request that may have
reached the gateway leaves its rows `unknown`, never re-sent automatically.
"""

from __future__ import annotations

import datetime
import logging
import re
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from billing.models import Meter, Reading, Tariff
from billing.services.electricity import PeriodBill, TariffMissing, plot_bills
from members.models import PlotClaim
from members.partnership import partnership_settings
from members.sms.gateways import NO_FUNDS_CODE, GatewayError, OutgoingSms, get_gateway
from members.sms.models import SmsMessage
from members.sms.segments import sms_segments
from members.sms.text import monthly_sms_text

logger = logging.getLogger("members.sms")

STALE_SENDING_SECONDS = 15 * 60  # default of the SMS_STALE_SENDING_SECONDS setting


PERIOD = re.compile(r"(\d{4})-(\d{2})", re.ASCII)


def parse_period(period: str) -> tuple[datetime.date, datetime.date]:
    """`2022-05` is the consumption month 01.05.2022 → 01.06.2022. Only that exact spelling: the
    period is part of the outbox's unique key, so «2022-5» or «２０２２-０５» would send again."""
    match = PERIOD.fullmatch(period) if isinstance(period, str) else None
    year, month = (int(match[1]), int(match[2])) if match else (0, 0)
    if not 1 <= month <= 12:
        raise ValueError(f"Период указывается как ГГГГ-ММ, например 2022-05, а не «{str(period)[:20]}»")
    start = datetime.date(year, month, 1)
    return start, datetime.date(year + month // 12, month % 12 + 1, 1)


def previous_period(today: datetime.date | None = None) -> str:
    """The month that has just ended: run at the start of June, it is May."""
    today = today or timezone.localdate()
    last = today.replace(day=1) - datetime.timedelta(days=1)
    return f"{last:%Y-%m}"


def sms_settings() -> tuple[str, int]:
    """Signature and payment due day of the default site's partnership."""
    partnership = partnership_settings()
    return partnership.short_name, partnership.payment_due_day


@dataclass(frozen=True)
class PlannedSms:
    user_id: int
    username: str
    plot_id: int
    plot_number: int
    phone: str
    text: str
    in_outbox: bool = False  # queued or sent before: a run will not send it again

    @property
    def segments(self) -> int:
        return sms_segments(self.text)


@dataclass
class SmsPlan:
    period: str
    messages: list[PlannedSms] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def new(self) -> list[PlannedSms]:
        """What a run would send now."""
        return [message for message in self.messages if not message.in_outbox]


def _period_bills(*, plot_ids: Iterable[int], start: datetime.date, end: datetime.date) -> dict[int, PeriodBill]:
    """Each plot's bill for exactly start → end, in three queries whatever the number of plots."""
    meters_by_plot: dict[int, list[Meter]] = {}
    for meter in Meter.objects.filter(plot_id__in=list(plot_ids)):
        meters_by_plot.setdefault(meter.plot_id, []).append(meter)
    readings_by_plot: dict[int, list[Reading]] = {}
    readings = Reading.objects.filter(meter__plot_id__in=list(meters_by_plot), taken_on__range=(start, end))
    for reading in readings.select_related("meter").only("meter__plot_id", "meter_id", "taken_on", "day", "night"):
        readings_by_plot.setdefault(reading.meter.plot_id, []).append(reading)
    tariffs = list(Tariff.objects.all())
    bills = {}
    for plot_id, meters in meters_by_plot.items():
        for bill in plot_bills(
            plot_id=plot_id, meters=meters, readings=readings_by_plot.get(plot_id, []), tariffs=tariffs
        ):
            if bill.period.start == start and bill.period.end == end:
                bills[plot_id] = bill
    return bills


def sms_plan(*, period: str) -> SmsPlan:
    """Every message the period calls for: members with a phone and SMS consent, for each
    confirmed plot whose readings close the period. Writes nothing (the dry run shows it)."""
    start, end = parse_period(period)
    signature, due_day = sms_settings()
    claims = list(
        PlotClaim.objects.filter(
            status=PlotClaim.Status.CONFIRMED,
            plot__active=True,
            user__is_active=True,
            user__profile__sms_consent=True,
        )
        .exclude(user__profile__phone="")
        .select_related("user__profile", "plot")
        .order_by("user_id", "plot__number")
    )
    plots_per_user = Counter(claim.user_id for claim in claims)
    plan = SmsPlan(period=period)
    try:
        bills = _period_bills(plot_ids={c.plot_id for c in claims}, start=start, end=end)
    except TariffMissing as exc:
        plan.errors.append(str(exc))
        return plan
    known = set(SmsMessage.objects.filter(period=period).values_list("user_id", "plot_id"))
    for claim in claims:
        bill = bills.get(claim.plot_id)
        if bill is None:
            continue
        text = monthly_sms_text(
            signature=signature,
            day=bill.period.day,
            night=bill.period.night,
            two_zone=bill.period.two_zone,
            amount=bill.owed,
            due_day=due_day,
            plot_number=claim.plot.number if plots_per_user[claim.user_id] > 1 else None,
        )
        plan.messages.append(
            PlannedSms(
                user_id=claim.user_id,
                username=claim.user.get_username(),
                plot_id=claim.plot_id,
                plot_number=claim.plot.number,
                phone=claim.user.profile.phone,
                text=text,
                in_outbox=(claim.user_id, claim.plot_id) in known,
            )
        )
    return plan


@dataclass(frozen=True)
class FillResult:
    period: str
    planned: int
    queued: int
    errors: list[str]


@transaction.atomic
def sms_outbox_fill(*, period: str) -> FillResult:
    """Queue the period's messages; rows already in the outbox are left as they are."""
    plan = sms_plan(period=period)
    rows = [
        SmsMessage(
            user_id=m.user_id,
            plot_id=m.plot_id,
            period=period,
            phone=m.phone,
            text=m.text,
            segments=m.segments,
        )
        for m in plan.messages
    ]
    before = SmsMessage.objects.filter(period=period).count()
    SmsMessage.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    queued = SmsMessage.objects.filter(period=period).count() - before
    return FillResult(period=period, planned=len(rows), queued=queued, errors=plan.errors)


@dataclass
class SendSummary:
    sent: int = 0
    failed: int = 0
    unknown: int = 0  # includes `recovered`: every row this run left or found «неизвестно»
    deferred: int = 0
    requests: int = 0
    recovered: int = 0  # rows of an interrupted earlier run that this run's recovery marked unknown


def _eligible(period: str | None, now: datetime.datetime):
    rows = SmsMessage.objects.filter(status=SmsMessage.Status.QUEUED).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    return rows.filter(period=period) if period else rows


def _claim_batch(*, period: str | None, size: int, now: datetime.datetime) -> tuple[bool, list[SmsMessage]]:
    """Mark up to `size` queued rows as sending under a fresh token. The status test in the
    UPDATE makes a row go to one worker only, whatever the other worker does meanwhile.
    `now` (the run's start) picks the rows due; the claim is stamped with the real time."""
    ids = list(_eligible(period, now).order_by("pk").values_list("pk", flat=True)[:size])
    if not ids:
        return False, []
    token = uuid.uuid4().hex
    _eligible(period, now).filter(pk__in=ids).update(
        status=SmsMessage.Status.SENDING, claim=token, updated_at=timezone.now()
    )
    return True, list(SmsMessage.objects.filter(claim=token, status=SmsMessage.Status.SENDING).order_by("pk"))


def _stale_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=float(getattr(settings, "SMS_STALE_SENDING_SECONDS", STALE_SENDING_SECONDS)))


def _heartbeat(*, token: str, ids: Iterable[int]) -> set[int]:
    """Re-stamp every row still sending under `token` (a live run is never stale), and return
    which of `ids` are still ours: a row another worker's recovery took is not sent."""
    SmsMessage.objects.filter(claim=token, status=SmsMessage.Status.SENDING).update(updated_at=timezone.now())
    return set(
        SmsMessage.objects.filter(pk__in=list(ids), claim=token, status=SmsMessage.Status.SENDING).values_list(
            "pk", flat=True
        )
    )


def _recover_stale(now: datetime.datetime) -> int:
    """Rows left `sending` by a crashed worker may have gone out: mark them unknown, never resend.
    A live worker re-stamps its rows before each request, so only a claim that has not been
    refreshed for SMS_STALE_SENDING_SECONDS counts as abandoned."""
    return SmsMessage.objects.filter(status=SmsMessage.Status.SENDING, updated_at__lt=now - _stale_after()).update(
        status=SmsMessage.Status.UNKNOWN,
        last_error="отправка прервалась; проверьте у шлюза, прежде чем отправлять снова",
        updated_at=now,
    )


def _alert_no_funds(error: str) -> None:
    emails = list(
        get_user_model()
        .objects.filter(Q(groups__name="Казначей") | Q(is_superuser=True), is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    if emails:
        send_mail(
            "SMS-рассылка остановлена: нет средств на счёте SMS.ru",
            f"Рассылка не отправлена: {error}. Пополните счёт SMS.ru и нажмите «Отправить сейчас» в разделе SMS.",
            None,
            emails,
        )


def _send_batch(gateway, rows: list[SmsMessage], summary: SendSummary, sleep: Callable[[float], None]) -> None:
    attempts = max(int(getattr(settings, "SMS_RETRY_ATTEMPTS", 4)), 1)
    backoff = float(getattr(settings, "SMS_RETRY_BACKOFF", 2.0))
    pending = {row.pk: row for row in rows}
    token = rows[0].claim if rows else ""
    for attempt in range(attempts):
        ours = _heartbeat(token=token, ids=pending)
        pending = {pk: row for pk, row in pending.items() if pk in ours}
        if not pending:
            return
        now = timezone.now()
        for row in pending.values():
            row.attempts += 1
        outgoing = [OutgoingSms(key=row.pk, phone=row.phone, text=row.text) for row in pending.values()]
        summary.requests += 1
        try:
            results = gateway.send(outgoing)
        except GatewayError as exc:
            if exc.maybe_sent:
                _finish(pending.values(), SmsMessage.Status.UNKNOWN, str(exc), now=now)
                summary.unknown += len(pending)
                return
            if not exc.transient:
                _finish(pending.values(), SmsMessage.Status.FAILED, str(exc), code=exc.code, now=now)
                summary.failed += len(pending)
                if exc.code == NO_FUNDS_CODE:
                    _alert_no_funds(str(exc))
                return
            last_error, retry = str(exc), list(pending)
        else:
            retry, last_error = [], ""
            for result in results:
                row = pending[result.key]
                if result.outcome == "sent":
                    row.status, row.gateway_id, row.sent_at = SmsMessage.Status.SENT, result.gateway_id, now
                    row.last_error, row.error_code = "", None
                    summary.sent += 1
                elif result.outcome == "failed":
                    row.status, row.error_code, row.last_error = SmsMessage.Status.FAILED, result.code, result.error
                    summary.failed += 1
                    if result.code == NO_FUNDS_CODE:
                        _alert_no_funds(result.error)
                else:
                    retry.append(row.pk)
                    last_error = result.error
            done = [row for pk, row in pending.items() if pk not in retry]
            _save(done, now=now)
        pending = {pk: pending[pk] for pk in retry}
        for row in pending.values():
            row.last_error = last_error
        if not pending:
            return
        if attempt + 1 < attempts:
            sleep(backoff * 2**attempt)
    # still failing: back to the queue for a later run after a pause, until the attempts run out
    now = timezone.now()
    limit = int(getattr(settings, "SMS_MAX_ATTEMPTS", 12))
    for row in pending.values():
        if row.attempts >= limit:
            row.status = SmsMessage.Status.FAILED
            summary.failed += 1
        else:
            row.status = SmsMessage.Status.QUEUED
            row.next_attempt_at = now + datetime.timedelta(seconds=max(backoff * 2**attempts, 1))
            summary.deferred += 1
    _save(pending.values(), now=now)


def _finish(rows: Iterable[SmsMessage], status: str, error: str, *, now, code: int | None = None) -> None:
    rows = list(rows)
    for row in rows:
        row.status, row.last_error, row.error_code = status, error[:255], code
    _save(rows, now=now)


def _save(rows: Iterable[SmsMessage], *, now) -> None:
    """One UPDATE per shared outcome (a batch mostly has one), and the per-row gateway ids.
    Only rows still under this run's claim are written (the gateway's answer then overrides
    an «unknown» a recovery set meanwhile, but never a row the treasurer has re-queued)."""
    groups: dict[tuple, list[int]] = {}
    with_ids = []
    for row in rows:
        row.updated_at = now
        row.last_error = row.last_error[:255]
        key = (row.claim, row.status, row.attempts, row.error_code, row.last_error, row.sent_at, row.next_attempt_at)
        groups.setdefault(key, []).append(row.pk)
        if row.gateway_id:
            with_ids.append(row)
    for (claim, status, attempts, code, error, sent_at, next_at), ids in groups.items():
        SmsMessage.objects.filter(pk__in=ids, claim=claim).update(
            status=status,
            attempts=attempts,
            error_code=code,
            last_error=error,
            sent_at=sent_at,
            next_attempt_at=next_at,
            updated_at=now,
        )
    SmsMessage.objects.bulk_update(with_ids, ["gateway_id"])


def _unique_phone_rounds(rows: list[SmsMessage]) -> list[list[SmsMessage]]:
    """A request carries one text per number, so a member's second plot goes in the next round."""
    rounds: list[list[SmsMessage]] = []
    for row in rows:
        for round_rows in rounds:
            if all(other.phone != row.phone for other in round_rows):
                round_rows.append(row)
                break
        else:
            rounds.append([row])
    return rounds


def sms_outbox_send(*, period: str | None = None, sleep: Callable[[float], None] = time.sleep) -> SendSummary:
    """Send everything queued (for one period, or all), a gateway batch per request."""
    gateway = get_gateway()
    summary = SendSummary()
    started = timezone.now()
    summary.recovered = _recover_stale(started)
    summary.unknown += summary.recovered
    while True:
        # rows deferred during this run wait for a later one: they are due after `started`
        found, rows = _claim_batch(period=period, size=gateway.batch_size, now=started)
        if not found:
            break
        for round_rows in _unique_phone_rounds(rows):
            _send_batch(gateway, round_rows, summary, sleep)
    logger.info(
        "SMS sent=%s failed=%s unknown=%s (recovered %s) deferred=%s requests=%s",
        summary.sent,
        summary.failed,
        summary.unknown,
        summary.recovered,
        summary.deferred,
        summary.requests,
    )
    return summary


def sms_outbox_poll() -> int:
    """Ask the gateway what became of sent messages; returns how many changed."""
    gateway = get_gateway()
    rows = list(SmsMessage.objects.filter(status=SmsMessage.Status.SENT).exclude(gateway_id="")[:1000])
    changed = []
    now = timezone.now()
    for start in range(0, len(rows), gateway.batch_size):
        chunk = {row.gateway_id: row for row in rows[start : start + gateway.batch_size]}
        for status in gateway.status(list(chunk)):
            row = chunk[status.gateway_id]
            if status.outcome == "delivered":
                row.status, row.delivered_at = SmsMessage.Status.DELIVERED, now
            elif status.outcome == "undelivered":
                row.status, row.error_code = SmsMessage.Status.FAILED, status.code
                row.last_error = status.error or "не доставлено"
            else:
                continue
            row.updated_at = now
            changed.append(row)
    SmsMessage.objects.bulk_update(changed, ["status", "delivered_at", "error_code", "last_error", "updated_at"])
    return len(changed)


def sms_resend(*, message_ids: Iterable[int]) -> int:
    """Put failed or unknown rows back in the queue (the treasurer's «Отправить повторно»)."""
    return SmsMessage.objects.filter(
        pk__in=list(message_ids), status__in=[SmsMessage.Status.FAILED, SmsMessage.Status.UNKNOWN]
    ).update(status=SmsMessage.Status.QUEUED, next_attempt_at=None, claim="", updated_at=timezone.now())


def monthly_sms_run(*, period: str | None = None) -> tuple[FillResult, SendSummary]:
    """The monthly job: fill the outbox for the period that has just ended, then send."""
    period = period or previous_period()
    filled = sms_outbox_fill(period=period)
    return filled, sms_outbox_send(period=period)
