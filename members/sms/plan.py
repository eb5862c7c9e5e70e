"""The monthly SMS: which messages a period calls for, and the outbox filled with them.

Planning writes nothing (it is the dry run); filling is idempotent: one row per member, plot
and period, by a unique key, so a second run or a second worker queues nothing twice.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from billing.models import Reading
from billing.selectors import ElectricityLine, period_bills
from members.models import PlotClaim
from members.partnership import partnership_settings
from members.sms.models import SmsMessage
from members.sms.segments import sms_segments
from members.sms.selectors import sms_outbox_keys, sms_recipient_claims
from members.sms.text import monthly_sms_text

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


def _planned_sms(
    claim: PlotClaim, bill: ElectricityLine, *, signature: str, due_day: int, several_plots: bool, in_outbox: bool
) -> PlannedSms:
    """The message for one claim; a member with several plots reads the plot number in each."""
    text = monthly_sms_text(
        signature=signature,
        day=bill.period.day,
        night=bill.period.night,
        two_zone=bill.period.two_zone,
        amount=bill.owed,
        due_day=due_day,
        plot_number=claim.plot.number if several_plots else None,
        estimated=bill.period.end_source == Reading.Source.ESTIMATE,
    )
    return PlannedSms(
        user_id=claim.user_id,
        username=claim.user.get_username(),
        plot_id=claim.plot_id,
        plot_number=claim.plot.number,
        phone=claim.user.profile.phone,
        text=text,
        in_outbox=in_outbox,
    )


def sms_plan(*, period: str) -> SmsPlan:
    """Every message the period calls for: members with a phone and SMS consent, for each
    confirmed plot whose readings close the period. Writes nothing (the dry run shows it).
    A period of those readings without a tariff makes the plan an error with no messages."""
    start, end = parse_period(period)
    signature, due_day = sms_settings()
    claims = sms_recipient_claims()
    plan = SmsPlan(period=period)
    lines = period_bills(plot_ids={claim.plot_id for claim in claims}, between=(start, end))
    missing = [line.error for line in lines if line.tariff_missing]
    if missing:
        plan.errors.append(missing[0])
        return plan
    bills = {line.plot_id: line for line in lines if (line.period.start, line.period.end) == (start, end)}
    plots_per_user = Counter(claim.user_id for claim in claims)
    known = sms_outbox_keys(period=period)
    plan.messages = [
        _planned_sms(
            claim,
            bills[claim.plot_id],
            signature=signature,
            due_day=due_day,
            several_plots=plots_per_user[claim.user_id] > 1,
            in_outbox=(claim.user_id, claim.plot_id) in known,
        )
        for claim in claims
        if claim.plot_id in bills
    ]
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
    monthly = SmsMessage.objects.filter(period=period, kind=SmsMessage.Kind.MONTHLY)
    before = monthly.count()
    SmsMessage.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    queued = monthly.count() - before
    return FillResult(period=period, planned=len(rows), queued=queued, errors=plan.errors)
