"""The outbox's rows on their way out: claimed by a token so two workers never send the same
row, kept alive by a heartbeat, and saved only while still ours. A row left `sending` by a
crashed worker becomes `unknown`, never re-sent automatically: it may have reached the gateway.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from members.sms.models import SmsMessage

STALE_SENDING_SECONDS = 15 * 60  # default of the SMS_STALE_SENDING_SECONDS setting


def _eligible(period: str | None, now: datetime.datetime) -> QuerySet[SmsMessage]:
    rows = SmsMessage.objects.filter(status=SmsMessage.Status.QUEUED).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    return rows.filter(period=period) if period else rows


def claim_batch(*, period: str | None, size: int, now: datetime.datetime) -> tuple[bool, list[SmsMessage]]:
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


def heartbeat(*, token: str, ids: Iterable[int]) -> set[int]:
    """Re-stamp every row still sending under `token` (a live run is never stale), and return
    which of `ids` are still ours: a row another worker's recovery took is not sent."""
    SmsMessage.objects.filter(claim=token, status=SmsMessage.Status.SENDING).update(updated_at=timezone.now())
    return set(
        SmsMessage.objects.filter(pk__in=list(ids), claim=token, status=SmsMessage.Status.SENDING).values_list(
            "pk", flat=True
        )
    )


def recover_stale(now: datetime.datetime) -> int:
    """Rows left `sending` by a crashed worker may have gone out: mark them unknown, never resend.
    A live worker re-stamps its rows before each request, so only a claim that has not been
    refreshed for SMS_STALE_SENDING_SECONDS counts as abandoned."""
    return SmsMessage.objects.filter(status=SmsMessage.Status.SENDING, updated_at__lt=now - _stale_after()).update(
        status=SmsMessage.Status.UNKNOWN,
        last_error="отправка прервалась; проверьте у шлюза, прежде чем отправлять снова",
        updated_at=now,
    )


def finish_rows(rows: Iterable[SmsMessage], status: str, error: str, *, now, code: int | None = None) -> None:
    """Give every row the same final status and error, and save them."""
    rows = list(rows)
    for row in rows:
        row.status, row.last_error, row.error_code = status, error[:255], code
    save_rows(rows, now=now)


def save_rows(rows: Iterable[SmsMessage], *, now) -> None:
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
