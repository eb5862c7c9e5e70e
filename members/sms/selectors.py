"""Reads of the SMS outbox and of who gets the monthly SMS: a fixed number of queries each."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from members.models import PlotClaim
from members.sms.models import SmsMessage

PERIODS_SHOWN = 24


def sms_recipient_claims() -> list[PlotClaim]:
    """Confirmed claims on active plots of active members with a phone and SMS consent, by
    member and plot number, with the member's profile and the plot: one query."""
    return list(
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


def sms_outbox_keys(*, period: str) -> set[tuple[int, int]]:
    """(member, plot) of every monthly outbox row of the period, whatever its status: sent or queued
    once, never planned again (a debt reminder of that month is another message)."""
    rows = SmsMessage.objects.filter(period=period, kind=SmsMessage.Kind.MONTHLY)
    return set(rows.values_list("user_id", "plot_id"))


@dataclass(frozen=True)
class OutboxListing:
    """The treasurer's outbox screen: a page of rows and the counts per status of the period."""

    rows: list[SmsMessage]
    statuses: list[tuple[str, str, int]]  # value, label, count
    total: int
    periods: list[str]  # the newest periods that have rows, for the filter


def sms_outbox_listing(*, period: str = "", status: str = "", limit: int) -> OutboxListing:
    """Rows of the period (all periods when empty) with the status (any when empty), the first
    `limit` in the outbox's order; the counts ignore the status filter: three queries."""
    rows = SmsMessage.objects.select_related("plot", "user")
    if period:
        rows = rows.filter(period=period)
    counts = dict(rows.values_list("status").annotate(n=Count("pk")).order_by())
    if status:
        rows = rows.filter(status=status)
    periods = SmsMessage.objects.order_by("-period").values_list("period", flat=True).distinct()
    return OutboxListing(
        rows=list(rows[:limit]),
        statuses=[(value, label, counts.get(value, 0)) for value, label in SmsMessage.Status.choices],
        total=sum(counts.values()),
        periods=list(periods[:PERIODS_SHOWN]),
    )
