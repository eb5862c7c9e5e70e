"""Reads for the secretary's meeting pages: who voted how (only for those with view_ballots), the
search for a person at the registration desk, and one person's ballot. A fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from billing.admin_lists import PlotSearchHandler
from members.meetings import voting
from members.meetings.models import AgendaItem, Attendance, Meeting, Person, Vote

FOUND_AT_MOST = 20


@dataclass
class BallotRow:
    person: Person
    cells: list[Vote | None] = field(default_factory=list)


def ballot_table(meeting: Meeting, items: list[AgendaItem]) -> list[BallotRow]:
    """A row per person who voted, a cell per item: the vote (choice, online or paper, the online choice
    a paper ballot replaced) or None. One query for the votes."""
    rows: dict[int, BallotRow] = {}
    votes = Vote.objects.filter(meeting=meeting).select_related("person").order_by("person__full_name", "person_id")
    by_person: dict[int, dict[int, Vote]] = {}
    for vote in votes:
        rows.setdefault(vote.person_id, BallotRow(person=vote.person))
        by_person.setdefault(vote.person_id, {})[vote.item_id] = vote
    for person_id, row in rows.items():
        row.cells = [by_person[person_id].get(item.pk) for item in items]
    return list(rows.values())


def eligible_people(meeting: Meeting):
    """Members and non-member owners on the meeting's date: those who may take part."""
    return Person.objects.filter(
        Q(pk__in=Person.objects.members_on(meeting.date).values("pk"))
        | Q(pk__in=voting.owners_on(meeting.date).values("pk"))
    )


def find_people(meeting: Meeting, query: str) -> list[Person]:
    """By words of the ФИО or a plot number (ASCII digits only), among those who may take part: the
    registry's own search (any case of a Cyrillic word on SQLite too)."""
    query = " ".join(query.split())[:100]
    if not query:
        return []
    search = PlotSearchHandler(["full_name"], plot_field="ownerships__plot__number")
    found = (
        search.search_queryset(eligible_people(meeting), query)
        .distinct()
        .prefetch_related("ownerships__plot")
        .order_by("full_name", "pk")[:FOUND_AT_MOST]
    )
    return list(found)


@dataclass
class BallotLine:
    item: AgendaItem
    vote: Vote | None


@dataclass
class PersonBallot:
    person: Person
    role: str | None
    attendance: Attendance | None
    lines: list[BallotLine]

    @property
    def is_owner(self) -> bool:
        return self.role == voting.OWNER


def person_ballot(meeting: Meeting, person: Person) -> PersonBallot:
    """The person's role on the meeting's date, their registration and, per item they vote on, their vote."""
    role = voting.role_on(person, meeting.date)
    votes = {vote.item_id: vote for vote in Vote.objects.filter(meeting=meeting, person=person)}
    return PersonBallot(
        person=person,
        role=role,
        attendance=Attendance.objects.filter(meeting=meeting, person=person).first(),
        lines=[BallotLine(item=item, vote=votes.get(item.pk)) for item in voting.items_for(meeting, role)],
    )
