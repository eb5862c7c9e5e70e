"""«Собрания» in the cabinet as read models: the member's meetings, and one meeting's page with their ballot.

Everything is read for the registry Person the board linked to the signed-in user (`person_of`), never
for an id the request names; who votes on what comes from voting.role_on / items_for on the meeting's
date, as the core counts it. Drafts are nobody's: `visible_meetings` leaves them out everywhere.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone

from members.meetings import voting
from members.meetings.models import AgendaItem, Material, Meeting, Ownership, Person, Vote
from members.meetings.voting import MEMBER, OWNER, Tally, VoteRefused

# A ballot's field per item: «item-<id>», the id in ASCII digits (a Unicode «٣» is not an id).
BALLOT_FIELD = re.compile(r"item-([0-9]{1,9})", re.ASCII)


def ballot_field(item: AgendaItem) -> str:
    return f"item-{item.pk}"


def person_of(user: AbstractBaseUser) -> Person | None:
    """The registry entry the board linked to this site user, or None."""
    if not user.is_authenticated:
        return None
    try:
        return user.registry_person
    except ObjectDoesNotExist:
        return None


def visible_meetings():
    """Published and closed meetings: a draft is the secretary's, not the members'."""
    return Meeting.objects.exclude(status=Meeting.Status.DRAFT)


STAGES = ("in_person", "not_started", "open", "over", "closed")


def voting_stage(meeting: Meeting, now: datetime.datetime) -> str:
    """Where the online voting stands: none (an in-person meeting), not started, open (the model's own
    test), over (ballots no longer taken, the count not yet done) or closed (the results are written)."""
    if meeting.is_closed:
        return "closed"
    if meeting.online_voting_open(now):
        return "open"
    if not meeting.has_absentee_part or meeting.voting_ends is None:
        return "in_person"
    return "not_started" if now < meeting.voting_ends else "over"


@dataclass(frozen=True)
class MeetingRow:
    meeting: Meeting
    role: str  # MEMBER or OWNER on the meeting's date
    voted: int  # items the person has a vote on (online or paper)
    stage: str  # one of STAGES


def cabinet_meetings(person: Person) -> list[MeetingRow]:
    """The meetings the person takes part in: a member or a plot owner on the meeting's date (the same
    test as voting.role_on, as one query with the person's vote count)."""
    day = OuterRef("date")
    member = Person.objects.members_on(day).filter(pk=person.pk)
    owns = Ownership.objects.filter(person=person, owned_from__lte=day).filter(
        Q(owned_to__isnull=True) | Q(owned_to__gte=day)
    )
    votes = Vote.objects.filter(meeting=OuterRef("pk"), person=person).order_by().values("meeting")
    voted = Subquery(votes.annotate(n=Count("pk")).values("n"))
    rows = (
        visible_meetings()
        .annotate(is_member=Exists(member), owns=Exists(owns), voted=voted)
        .filter(Q(is_member=True) | Q(owns=True))
    )
    now = timezone.now()
    return [MeetingRow(m, MEMBER if m.is_member else OWNER, m.voted or 0, voting_stage(m, now)) for m in rows]


@dataclass(frozen=True)
class BallotItem:
    """An item of the person's ballot: their vote, if any, and whether a paper ballot fixed it."""

    item: AgendaItem
    vote: Vote | None
    sent: str | None = None  # what a refused ballot said for the item, shown back as it was sent

    @property
    def choice(self) -> str:
        return self.vote.choice if self.vote else ""

    @property
    def choice_label(self) -> str:
        return self.vote.get_choice_display() if self.vote else ""

    @property
    def options(self) -> list[tuple[str, str, bool]]:
        """(value, label, checked) of the radios: за / против / воздержался."""
        selected = self.choice if self.sent is None else self.sent
        return [(value, label, value == selected) for value, label in Vote.Choice.choices]

    @property
    def on_paper(self) -> bool:
        return self.vote is not None and self.vote.source != Vote.Source.ONLINE

    @property
    def field(self) -> str:
        return ballot_field(self.item)


@dataclass
class MeetingPage:
    meeting: Meeting
    person: Person | None
    role: str | None
    items: list[BallotItem]
    materials: list[Material]
    stage: str  # one of STAGES
    tally: Tally | None = None

    @property
    def voting_open(self) -> bool:
        return self.stage == "open" and self.role is not None

    @property
    def has_votes(self) -> bool:
        return any(entry.vote is not None for entry in self.items)

    @property
    def editable(self) -> bool:
        return self.voting_open and any(not entry.on_paper for entry in self.items)


def meeting_page(
    meeting: Meeting,
    person: Person | None,
    *,
    sent: Mapping[str, str] | None = None,
    now: datetime.datetime | None = None,
) -> MeetingPage:
    """One meeting for one person: the items they vote on (all the agenda for a member or someone not in
    the registry on that date, who reads the notice; only the owners' items for a non-member owner), their
    votes, the materials and, while the meeting is open, the turnout so far."""
    role = voting.role_on(person, meeting.date) if person is not None else None
    items = voting.items_for(meeting, role or MEMBER)
    votes = {}
    if role is not None:
        votes = {vote.item_id: vote for vote in Vote.objects.filter(meeting=meeting, person=person)}
    return MeetingPage(
        meeting=meeting,
        person=person,
        role=role,
        items=[BallotItem(item, votes.get(item.pk), _sent(sent, item)) for item in items],
        materials=list(meeting.materials.select_related("document")),
        stage=voting_stage(meeting, now or timezone.now()),
        tally=voting.turnout(meeting) if meeting.is_published else None,
    )


def _sent(sent: Mapping[str, str] | None, item: AgendaItem) -> str | None:
    return None if sent is None else sent.get(ballot_field(item), "")


def ballot_choices(data: Mapping[str, str]) -> dict[int, str]:
    """The ballot's choices keyed by item id, from the POST's «item-<id>» fields; the core checks that
    the ids are this person's items of this meeting and the values за / против / воздержался."""
    choices = {}
    for key, value in data.items():
        if not key.startswith("item-"):
            continue
        matched = BALLOT_FIELD.fullmatch(key)
        if matched is None:
            raise VoteRefused("Бюллетень заполнен неверно: обновите страницу и проголосуйте ещё раз.")
        choices[int(matched.group(1))] = value
    return choices
