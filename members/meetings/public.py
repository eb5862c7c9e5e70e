"""Reads for the public «Общие собрания» page and the protocol: the published and closed meetings (never a
draft) with their agenda and materials, and a closed meeting's results as voting.close wrote them.

The results are the protocol's record, read from the meeting and its items, not counted again: votes
cannot change after the close. No query here touches Vote or Attendance, so the public sees totals only
(ballots are personal data) and a meeting of 3,000 members × 30 items costs what one of 9 × 3 does: three
queries, compiled once per process (cms.queries), and its numbers handed to the template as text
(localising some two hundred numbers cost the page more than its queries).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from cms.queries import CompiledQuery
from members.meetings import law
from members.meetings.models import AgendaItem, Material, Meeting
from members.meetings.voting import ItemCount, Tally, numbered

PUBLIC_STATUSES = (Meeting.Status.PUBLISHED, Meeting.Status.CLOSED)
MAJORITIES = dict(law.Majority.CHOICES)
OWNERS_TOO = "; голосуют и собственники участков без членства"


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
    def results(self) -> list[ResultRow]:
        return [ResultRow.of(counted) for counted in self.tally.items] if self.tally is not None else []


@dataclass(slots=True)
class ResultRow:
    """An item's result for the page and the protocol, as text: read once here, not looked up and localised
    field by field in the template (30 items made that the page's main cost)."""

    number: str
    wording: str
    majority: str  # «простое большинство» / «не менее 2/3 присутствующих», and who votes if owners do
    owners_vote: bool
    present: str
    votes_for: str
    votes_against: str
    votes_abstained: str
    percent_for: str  # «60,0»: of those who vote on the item
    passed: bool  # as written at the close: adopted only with a quorum

    @property
    def decision(self) -> str:
        return "принято" if self.passed else "не принято"

    @classmethod
    def of(cls, counted: ItemCount) -> ResultRow:
        item = counted.item
        return cls(
            number=str(item.number),
            wording=item.wording,
            majority=MAJORITIES.get(item.majority, item.majority) + (OWNERS_TOO if item.owners_vote else ""),
            owners_vote=item.owners_vote,
            present=str(counted.present),
            votes_for=str(counted.votes_for),
            votes_against=str(counted.votes_against),
            votes_abstained=str(counted.votes_abstained),
            percent_for=counted.percent_for,
            passed=bool(item.passed),
        )


def _items() -> QuerySet[AgendaItem]:
    return AgendaItem.objects.order_by("sort_order", "pk")


def _materials() -> QuerySet[Material]:
    return Material.objects.select_related("document").order_by("sort_order", "pk")


def _public() -> QuerySet[Meeting]:
    """Three queries whatever the number of meetings, items and materials."""
    return Meeting.objects.filter(status__in=PUBLIC_STATUSES).prefetch_related(
        Prefetch("items", queryset=_items()), Prefetch("materials", queryset=_materials())
    )


_one_meeting = CompiledQuery(lambda pk: Meeting.objects.filter(status__in=PUBLIC_STATUSES, pk=pk))
_meeting_items = CompiledQuery(lambda pk: _items().filter(meeting_id=pk))
_meeting_materials = CompiledQuery(lambda pk: _materials().filter(meeting_id=pk))


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
                quorum=bool(meeting.quorum),
            )
            for item in items
        ],
    )


def _shown(meeting: Meeting, items: list[AgendaItem], materials: list[Material]) -> PublicMeeting:
    items = numbered(items)
    tally = stored_tally(meeting, items) if meeting.is_closed else None
    return PublicMeeting(meeting=meeting, items=items, materials=materials, tally=tally)


def public_meetings() -> list[PublicMeeting]:
    """Every published and closed meeting, the newest first."""
    return [
        _shown(meeting, list(meeting.items.all()), list(meeting.materials.all()))
        for meeting in _public().order_by("-date", "-pk")
    ]


def public_meeting(meeting_id: int) -> PublicMeeting | None:
    """One published or closed meeting; None for a draft or an id that is no meeting."""
    meeting = next(iter(_one_meeting(meeting_id)), None)
    if meeting is None:
        return None
    return _shown(meeting, list(_meeting_items(meeting.pk)), list(_meeting_materials(meeting.pk)))


def closed_meeting(meeting_id: int) -> PublicMeeting | None:
    """One closed meeting (the only kind with a protocol); None otherwise."""
    found = public_meeting(meeting_id)
    return found if found is not None and found.is_closed else None
