"""The SMS at the window's start: to each member with a phone and SMS consent whose confirmed plot
has a current meter without a submission in this window — one message per member (the text names
no plot), planned in a fixed number of queries.

Queued through the SMS outbox (members.sms) as kind «readings», keyed by (member, the member's first
plot, the window's month): a second run, a daily schedule inside the window or two workers at once
queue nothing twice, and the monthly bill SMS of the same month keeps its own key.
"""

from dataclasses import dataclass

from billing.models import Meter
from members.partnership import partnership_settings
from members.readings.models import ReadingSettings, ReadingSubmission
from members.readings.window import Window, current_window
from members.sms.models import SmsMessage
from members.sms.segments import sms_segments
from members.sms.selectors import sms_recipient_claims


@dataclass(frozen=True)
class PlannedReminder:
    user_id: int
    username: str
    plot_id: int
    plot_number: int
    phone: str
    text: str

    @property
    def segments(self) -> int:
        return sms_segments(self.text)


def reminder_plan(*, window: Window | None = None, settings: ReadingSettings | None = None) -> list[PlannedReminder]:
    """Who is reminded in this window, and the text: four queries (settings, claims, meters,
    submissions) plus the partnership's signature."""
    settings = settings or ReadingSettings.current()
    window = window or current_window(settings=settings)
    claims = sms_recipient_claims()
    if not claims:
        return []
    meters_of: dict[int, list[int]] = {}
    for meter_id, plot_id in (
        Meter.objects.filter(plot_id__in={c.plot_id for c in claims}, removed_on__isnull=True)
        .order_by()
        .values_list("pk", "plot_id")
    ):
        meters_of.setdefault(plot_id, []).append(meter_id)
    reported = set(
        ReadingSubmission.objects.filter(
            period=window.period, meter_id__in=[m for ids in meters_of.values() for m in ids]
        ).values_list("meter_id", flat=True)
    )
    text = settings.render_sms(partnership_settings().short_name)
    first_claim: dict[int, object] = {}
    planned, reminded = [], set()
    for claim in claims:  # by member, then plot number
        first = first_claim.setdefault(claim.user_id, claim)  # the message's key plot: always the same
        missing = [m for m in meters_of.get(claim.plot_id, []) if m not in reported]
        if claim.user_id in reminded or not missing:
            continue
        reminded.add(claim.user_id)
        claim = first
        planned.append(
            PlannedReminder(
                user_id=claim.user_id,
                username=claim.user.get_username(),
                plot_id=claim.plot_id,
                plot_number=claim.plot.number,
                phone=claim.user.profile.phone,
                text=text,
            )
        )
    return planned


def reminder_fill(*, window: Window | None = None) -> int:
    """Queue the window's reminders in the SMS outbox (only while the window is open); how many
    new rows. The outbox's unique key makes this idempotent: run it every day of the window."""
    window = window or current_window()
    if not window.is_open:
        return 0
    planned = reminder_plan(window=window)
    mine = SmsMessage.objects.filter(kind=SmsMessage.Kind.READINGS, period=window.period)
    before = mine.count()
    SmsMessage.objects.bulk_create(
        [
            SmsMessage(
                user_id=message.user_id,
                plot_id=message.plot_id,
                period=window.period,
                kind=SmsMessage.Kind.READINGS,
                phone=message.phone,
                text=message.text,
                segments=message.segments,
            )
            for message in planned
        ],
        ignore_conflicts=True,
    )
    return mine.count() - before
