"""Sending from the outbox: gateway batches with retries, delivery polling, the treasurer's
resend, and the monthly run that fills the outbox and sends it.

A request that may have reached the gateway leaves its rows `unknown`, never re-sent
automatically; transient failures retry with backoff, then wait for a later run.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q
from django.utils import timezone

from members.sms.gateways import NO_FUNDS_CODE, GatewayError, OutgoingSms, get_gateway
from members.sms.models import SmsMessage
from members.sms.outbox import claim_batch, finish_rows, heartbeat, recover_stale, save_rows
from members.sms.plan import FillResult, previous_period, sms_outbox_fill

logger = logging.getLogger("members.sms")


@dataclass
class SendSummary:
    sent: int = 0
    failed: int = 0
    unknown: int = 0  # includes `recovered`: every row this run left or found «неизвестно»
    deferred: int = 0
    requests: int = 0
    recovered: int = 0  # rows of an interrupted earlier run that this run's recovery marked unknown


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


def _stop(exc: GatewayError, rows: list[SmsMessage], summary: SendSummary, *, now: datetime.datetime) -> None:
    """A request that failed for good: `unknown` if it may have gone out, else `failed`."""
    if exc.maybe_sent:
        finish_rows(rows, SmsMessage.Status.UNKNOWN, str(exc), now=now)
        summary.unknown += len(rows)
        return
    finish_rows(rows, SmsMessage.Status.FAILED, str(exc), code=exc.code, now=now)
    summary.failed += len(rows)
    if exc.code == NO_FUNDS_CODE:
        _alert_no_funds(str(exc))


def _record(results, pending: dict[int, SmsMessage], summary: SendSummary, *, now) -> tuple[list[int], str]:
    """Save each row's answer from the gateway; returns the rows to retry and their error."""
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
    save_rows([row for pk, row in pending.items() if pk not in retry], now=now)
    return retry, last_error


def _attempt(gateway, pending: dict[int, SmsMessage], summary: SendSummary) -> tuple[list[int], str]:
    """One request with the pending rows; returns the rows to retry and their error."""
    now = timezone.now()
    for row in pending.values():
        row.attempts += 1
    outgoing = [OutgoingSms(key=row.pk, phone=row.phone, text=row.text) for row in pending.values()]
    summary.requests += 1
    try:
        results = gateway.send(outgoing)
    except GatewayError as exc:
        if exc.transient and not exc.maybe_sent:
            return list(pending), str(exc)
        _stop(exc, list(pending.values()), summary, now=now)
        return [], ""
    return _record(results, pending, summary, now=now)


def _defer(rows: Sequence[SmsMessage], summary: SendSummary, *, pause: float) -> None:
    """Still failing: back to the queue for a later run after a pause, until the attempts run out."""
    now = timezone.now()
    limit = int(getattr(settings, "SMS_MAX_ATTEMPTS", 12))
    for row in rows:
        if row.attempts >= limit:
            row.status = SmsMessage.Status.FAILED
            summary.failed += 1
        else:
            row.status = SmsMessage.Status.QUEUED
            row.next_attempt_at = now + datetime.timedelta(seconds=pause)
            summary.deferred += 1
    save_rows(rows, now=now)


def _send_batch(gateway, rows: list[SmsMessage], summary: SendSummary, sleep: Callable[[float], None]) -> None:
    """Send rows claimed together, retrying transient failures with a doubling pause; before
    each request the claim is re-stamped and rows another worker took are dropped."""
    attempts = max(int(getattr(settings, "SMS_RETRY_ATTEMPTS", 4)), 1)
    backoff = float(getattr(settings, "SMS_RETRY_BACKOFF", 2.0))
    pending = {row.pk: row for row in rows}
    token = rows[0].claim if rows else ""
    for attempt in range(attempts):
        ours = heartbeat(token=token, ids=pending)
        pending = {pk: row for pk, row in pending.items() if pk in ours}
        if not pending:
            return
        retry, last_error = _attempt(gateway, pending, summary)
        pending = {pk: pending[pk] for pk in retry}
        for row in pending.values():
            row.last_error = last_error
        if not pending:
            return
        if attempt + 1 < attempts:
            sleep(backoff * 2**attempt)
    _defer(list(pending.values()), summary, pause=max(backoff * 2**attempts, 1))


def unique_phone_rounds(rows: list) -> list[list]:
    """A request carries one text per number, so a member's second plot goes in the next round (rows:
    anything with a `phone`: the outbox's, the meetings' notice log)."""
    rounds: list[list] = []
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
    summary.recovered = recover_stale(started)
    summary.unknown += summary.recovered
    while True:
        # rows deferred during this run wait for a later one: they are due after `started`
        found, rows = claim_batch(period=period, size=gateway.batch_size, now=started)
        if not found:
            break
        for round_rows in unique_phone_rounds(rows):
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
