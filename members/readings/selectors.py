"""What «Передать показания» shows: each current meter of the member's confirmed plots, its last
accepted reading, the consumption of its last periods and this window's submission."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.base_user import AbstractBaseUser

from billing.models import Meter, Reading
from members.readings.models import ReadingSubmission
from members.readings.window import Window
from members.selectors import confirmed_plot_ids

PERIODS_AVERAGED = 3


@dataclass(frozen=True)
class LastReading:
    taken_on: datetime.date
    day: int
    night: int

    @property
    def total(self) -> int:
        return self.day + self.night


@dataclass
class MeterState:
    """One meter on the page. `last` is this meter's latest reading before the window's date;
    `previous_meter_last` the plot's removed meter's last one, when this meter replaced it and has
    no reading of its own yet; `usages` the consumption of its last periods, newest first."""

    meter: Meter
    last: LastReading | None
    usages: list[int] = field(default_factory=list)
    previous_meter_last: LastReading | None = None
    submission: ReadingSubmission | None = None

    @property
    def average_usage(self) -> float | None:
        usages = self.usages[:PERIODS_AVERAGED]
        return sum(usages) / len(usages) if usages else None

    @property
    def editable(self) -> bool:
        return self.submission is None or self.submission.status in (
            ReadingSubmission.Status.PENDING,
            ReadingSubmission.Status.REJECTED,
        )


def meter_states(*, user: AbstractBaseUser, window: Window) -> list[MeterState]:
    """The member's current meters (not removed) on CONFIRMED active plots: three queries."""
    plot_ids = confirmed_plot_ids(user=user)
    if not plot_ids:
        return []
    return states_for_plots(plot_ids=plot_ids, window=window)


def states_for_plots(*, plot_ids: list[int], window: Window) -> list[MeterState]:
    meters = list(Meter.objects.filter(plot_id__in=plot_ids).select_related("plot").order_by("plot__number", "pk"))
    if not meters:
        return []
    readings = defaultdict(list)
    rows = (
        Reading.objects.filter(meter__in=meters, taken_on__lt=window.taken_on)
        .order_by("meter_id", "-taken_on")
        .values_list("meter_id", "taken_on", "day", "night")
    )
    for meter_id, taken_on, day, night in rows:
        readings[meter_id].append(LastReading(taken_on, day, night))
    submissions = {
        s.meter_id: s
        for s in ReadingSubmission.objects.filter(meter__in=meters, period=window.period).select_related("reading")
    }
    states = []
    for meter in meters:
        if meter.removed_on is not None:
            continue
        own = readings[meter.pk]
        usages = [newer.total - older.total for newer, older in zip(own, own[1:], strict=False)]
        previous = None
        if not own:
            replaced = [
                m
                for m in meters
                if m.plot_id == meter.plot_id and m.removed_on is not None and readings[m.pk]
                if meter.installed_on is None or m.removed_on <= meter.installed_on
            ]
            if replaced:
                previous = max((readings[m.pk][0] for m in replaced), key=lambda r: r.taken_on)
        states.append(
            MeterState(
                meter=meter,
                last=own[0] if own else None,
                usages=usages[:PERIODS_AVERAGED],
                previous_meter_last=previous,
                submission=submissions.get(meter.pk),
            )
        )
    return states
