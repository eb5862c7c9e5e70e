"""Reads for the public «Общие собрания» page and the protocol: the published and closed meetings (never a
draft) with their agenda and materials, and a closed meeting's results as voting.close wrote them.

The results are the protocol's record, read from the meeting and its items, not counted again: votes
cannot change after the close. No query here touches Vote or Attendance, so the public sees totals only
(ballots are personal data) and a meeting of 3,000 members × 30 items costs what one of 3 × 3 does.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from members.meetings.models import AgendaItem, Material, Meeting
from members.meetings.voting import MEMBER, ItemCount, Tally, items_for

PUBLIC_STATUSES = (Meeting.Status.PUBLISHED, Meeting.Status.CLOSED)


@dataclass(frozen=True)
class PublicMeeting:
    """A meeting as the public sees it; `url` and `protocol_url` are filled in by the page."""

    meeting: Meeting
    items: list[AgendaItem]  # numbered 1, 2, … (AgendaItem.number)
    materials: list[Material]
    tally: Tally | None  # the results written at the close; None until then
    url: str = ""
    protocol_url: str = ""

    @property
    def is_closed(self) -> bool:
        return self.tally is not None

    @property
    def results(self) -> list[ItemCount]:
        return self.tally.items if self.tally is not None else []


def _public() -> QuerySet[Meeting]:
    """Three queries whatever the number of meetings, items and materials."""
    return Meeting.objects.filter(status__in=PUBLIC_STATUSES).prefetch_related(
        Prefetch("items", queryset=AgendaItem.objects.order_by("sort_order", "pk")),
        Prefetch("materials", queryset=Material.objects.select_related("document").order_by("sort_order", "pk")),
    )


def stored_tally(meeting: Meeting, items: list[AgendaItem]) -> Tally:
    """The count written at the close (voting.close) in voting's own shapes, so the page, the protocol and
    the secretary's running count read alike."""
    return Tally(
        members_count=meeting.members_count or 0,
        members_present=meeting.members_present or 0,
        owners_present=meeting.owners_present or 0,
        items=[
            ItemCount(
                item,
                votes_for=item.votes_for or 0,
                votes_against=item.votes_against or 0,
                votes_abstained=item.votes_abstained or 0,
                present=item.present or 0,
            )
            for item in items
        ],
    )


def _shown(meeting: Meeting) -> PublicMeeting:
    items = items_for(meeting, MEMBER)  # the whole agenda, numbered, from the prefetch
    tally = stored_tally(meeting, items) if meeting.is_closed else None
    return PublicMeeting(meeting=meeting, items=items, materials=list(meeting.materials.all()), tally=tally)


def public_meetings() -> list[PublicMeeting]:
    """Every published and closed meeting, the newest first."""
    return [_shown(meeting) for meeting in _public().order_by("-date", "-pk")]


def public_meeting(meeting_id: int) -> PublicMeeting | None:
    """One published or closed meeting; None for a draft or an id that is no meeting."""
    meeting = _public().filter(pk=meeting_id).first()
    return _shown(meeting) if meeting is not None else None


def closed_meeting(meeting_id: int) -> PublicMeeting | None:
    """One closed meeting (the only kind with a protocol); None otherwise."""
    found = public_meeting(meeting_id)
    return found if found is not None and found.is_closed else None
