"""Who votes on what, casting and entering votes, publishing, counting and closing a meeting.

Every change takes the meeting's row lock first (`_locked`), so a vote cannot slip in while the meeting
is being closed, and two requests of one person (two clicks, two devices) run one after the other; the
unique key (item, person) is the last guard. Roles are decided on the meeting's date from the registry
(ст. 17 ч. 19 counts the members of that day), never from what the request says.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from members.meetings import law
from members.meetings.models import AgendaItem, Attendance, Meeting, MeetingRules, Ownership, Person, Vote

MEMBER = "member"
OWNER = "owner"


class VoteRefused(Exception):
    """A refusal with a message for the person (Russian)."""


def role_on(person: Person, day: datetime.date) -> str | None:
    """MEMBER if the person is a member of the partnership on `day`, OWNER if they own a plot then without
    membership (ст. 5: they vote on the items that concern them), None otherwise."""
    if Person.objects.members_on(day).filter(pk=person.pk).exists():
        return MEMBER
    owns = Ownership.objects.filter(person=person, owned_from__lte=day).filter(
        Q(owned_to__isnull=True) | Q(owned_to__gte=day)
    )
    return OWNER if owns.exists() else None


def owners_on(day: datetime.date):
    """Non-member owners on `day`: people owning a plot then who are not members then."""
    owning = Ownership.objects.filter(owned_from__lte=day).filter(Q(owned_to__isnull=True) | Q(owned_to__gte=day))
    return Person.objects.filter(pk__in=owning.values("person_id")).exclude(
        pk__in=Person.objects.members_on(day).values("pk")
    )


def numbered(items: list[AgendaItem]) -> list[AgendaItem]:
    """The agenda in its order, each item knowing its number on it (AgendaItem.number), 1-based."""
    for number, item in enumerate(items, start=1):
        item._number = number
    return items


def items_for(meeting: Meeting, role: str | None) -> list[AgendaItem]:
    """The agenda items a person of `role` votes on: all for a member, the owners' items for an owner."""
    if role is None:
        return []
    items = numbered(list(meeting.items.all()))
    return items if role == MEMBER else [item for item in items if item.owners_vote]


def _locked(meeting_id: int) -> Meeting:
    meeting = Meeting.objects.select_for_update().filter(pk=meeting_id).first()
    if meeting is None:
        raise VoteRefused("Такого собрания нет.")
    return meeting


def _checked_choices(meeting: Meeting, role: str | None, choices: Mapping[int, str]) -> dict[int, str]:
    """The choices keyed by item id, refused whole if any item is not on this meeting's agenda for this
    person or any value is not за / против / воздержался."""
    if role is None:
        raise VoteRefused("Вас нет в реестре членов товарищества и собственников на дату собрания.")
    allowed = {item.pk for item in items_for(meeting, role)}
    if not choices:
        raise VoteRefused("Отметьте «за», «против» или «воздержался» хотя бы по одному вопросу.")
    if any(item_id not in allowed for item_id in choices):
        raise VoteRefused("В бюллетене вопрос, по которому вы не голосуете на этом собрании.")
    if any(choice not in Vote.Choice.values for choice in choices.values()):
        raise VoteRefused("Голос может быть только «за», «против» или «воздержался».")
    return dict(choices)


@transaction.atomic
def cast_online(
    meeting_id: int, person_id: int, choices: Mapping[int, str], now: datetime.datetime | None = None
) -> list[Vote]:
    """A member's (or owner's) ballot from the cabinet: new votes are filed, earlier online votes changed;
    an item whose paper ballot the secretary has entered is refused (the paper ballot wins)."""
    meeting = _locked(meeting_id)
    if not meeting.online_voting_open(now):
        if meeting.is_closed or (meeting.voting_ends and (now or timezone.now()) >= meeting.voting_ends):
            raise VoteRefused("Голосование закрыто: голоса больше не принимаются и не меняются.")
        raise VoteRefused("Голосование на сайте по этому собранию сейчас не идёт.")
    person = Person.objects.get(pk=person_id)
    choices = _checked_choices(meeting, role_on(person, meeting.date), choices)
    existing = {vote.item_id: vote for vote in Vote.objects.filter(meeting=meeting, person=person)}
    if any(existing[item_id].source != Vote.Source.ONLINE for item_id in choices if item_id in existing):
        raise VoteRefused(
            "По части вопросов секретарь уже внёс ваш бумажный бюллетень: он учитывается вместо голоса на сайте."
        )
    new, changed, ballot = [], [], []
    for item_id, choice in choices.items():
        vote = existing.get(item_id)
        if vote is None:
            vote = Vote(meeting=meeting, item_id=item_id, person=person, choice=choice)
            new.append(vote)
        elif vote.choice != choice:
            vote.choice = choice
            changed.append(vote)
        ballot.append(vote)
    _write(new, changed, ["choice"])
    return ballot


@transaction.atomic
def enter_paper(meeting_id: int, person_id: int, choices: Mapping[int, str], user) -> list[Vote]:
    """The secretary enters a paper ballot: it replaces the person's online votes on its items (kept in
    `online_choice`, shown to the secretary and the member). Until the meeting is closed."""
    meeting = _locked(meeting_id)
    if not meeting.is_published:
        raise VoteRefused("Бюллетени вносятся только по опубликованному собранию до подведения итогов.")
    person = Person.objects.get(pk=person_id)
    choices = _checked_choices(meeting, role_on(person, meeting.date), choices)
    existing = {vote.item_id: vote for vote in Vote.objects.filter(meeting=meeting, person=person)}
    new, changed = [], []
    for item_id, choice in choices.items():
        vote = existing.get(item_id)
        if vote is None:
            vote = Vote(meeting=meeting, item_id=item_id, person=person)
            new.append(vote)
        else:
            if vote.source == Vote.Source.ONLINE:
                vote.online_choice = vote.choice
            changed.append(vote)
        vote.choice, vote.source, vote.entered_by = choice, Vote.Source.PAPER, user
    _write(new, changed, ["choice", "source", "online_choice", "entered_by"])
    return [*new, *changed]


def _write(new: list[Vote], changed: list[Vote], fields: list[str]) -> None:
    """A ballot's votes in two statements whatever the number of items (not one per item): the new ones
    inserted, the changed ones updated with their time."""
    now = timezone.now()
    for vote in changed:
        vote.updated_at = now
    Vote.objects.bulk_create(new)
    Vote.objects.bulk_update(changed, [*fields, "updated_at"])


@transaction.atomic
def register_attendance(meeting_id: int, person_id: int, user, representative: str = "") -> Attendance:
    """Registers a person present at the in-person part; registering twice keeps one row."""
    meeting = _locked(meeting_id)
    if not meeting.is_published or not meeting.has_in_person_part:
        raise VoteRefused("Регистрация присутствующих — только на очной части опубликованного собрания.")
    person = Person.objects.get(pk=person_id)
    if role_on(person, meeting.date) is None:
        raise VoteRefused(f"{person.full_name} — не член товарищества и не собственник на дату собрания.")
    attendance, _ = Attendance.objects.get_or_create(
        meeting=meeting,
        person=person,
        defaults={"registered_by": user, "representative": " ".join(representative.split())[:255]},
    )
    return attendance


@dataclass
class ItemCount:
    item: AgendaItem
    votes_for: int = 0
    votes_against: int = 0
    votes_abstained: int = 0
    present: int = 0
    quorum: bool = True  # without a quorum the meeting decides nothing (ст. 17 ч. 19)

    @property
    def voted(self) -> int:
        return self.votes_for + self.votes_against + self.votes_abstained

    @property
    def passed(self) -> bool:
        return self.quorum and law.item_passes(
            self.item.majority, self.votes_for, self.votes_against, self.votes_abstained, self.present
        )

    @property
    def percent_for(self) -> str:
        return f"{100 * self.votes_for / self.present:.1f}".replace(".", ",") if self.present else "0,0"


@dataclass
class Tally:
    members_count: int
    members_present: int
    owners_present: int
    items: list[ItemCount] = field(default_factory=list)

    @property
    def quorum(self) -> bool:
        return law.quorum_reached(self.members_count, min(self.members_present, self.members_count))

    @property
    def quorum_needed(self) -> int:
        """How many members must take part for a quorum: more than half (ст. 17 ч. 19)."""
        return self.members_count // 2 + 1


def turnout(meeting: Meeting) -> Tally:
    """Members on the meeting's date, and the members and non-member owners who took part (registered as
    present or filed a vote on any item). Two queries whatever the size."""
    members = Person.objects.members_on(meeting.date)
    taking_part = Person.objects.filter(
        Q(pk__in=Vote.objects.filter(meeting=meeting).values("person_id"))
        | Q(pk__in=Attendance.objects.filter(meeting=meeting).values("person_id"))
    )
    counts = taking_part.aggregate(
        members=Count("pk", filter=Q(pk__in=members.values("pk"))),
        everyone=Count("pk"),
    )
    return Tally(
        members_count=members.count(),
        members_present=counts["members"],
        owners_present=counts["everyone"] - counts["members"],
    )


def count_votes(meeting: Meeting) -> Tally:
    """The running (or final) count: turnout and, per item, за / против / воздержались of those present
    who vote on it. Four queries whatever the number of members and items."""
    result = turnout(meeting)
    items = items_for(meeting, MEMBER)
    rows = Vote.objects.filter(meeting=meeting).values("item_id", "choice").annotate(n=Count("pk")).order_by()
    by_item = {item.pk: ItemCount(item) for item in items}
    for row in rows:
        counted = by_item.get(row["item_id"])
        if counted is not None:
            attr = {"for": "votes_for", "against": "votes_against", "abstained": "votes_abstained"}[row["choice"]]
            setattr(counted, attr, row["n"])
    for counted in by_item.values():
        present = result.members_present + (result.owners_present if counted.item.owners_vote else 0)
        counted.present = max(present, counted.voted)
        counted.quorum = result.quorum
    result.items = list(by_item.values())
    return result


def _rules() -> MeetingRules:
    return MeetingRules.load()


def publish_problems(meeting: Meeting, today: datetime.date, rules: MeetingRules) -> list[str]:
    """Why the notice cannot go out today, in Russian; empty when it can."""
    problems = []
    days_left = (meeting.date - today).days
    if days_left < rules.notice_days:
        problems.append(
            f"Уведомление о собрании публикуется не позднее чем за {rules.notice_days} дн. до него "
            f"(ст. 17 ч. 13 217-ФЗ), а до {meeting.date:%d.%m.%Y} осталось {max(days_left, 0)} дн. "
            "Перенесите собрание на более позднюю дату."
        )
    if not meeting.items.exists():
        problems.append("В повестке нет ни одного вопроса.")
    if meeting.has_absentee_part and not rules.absentee_allowed:
        problems.append(
            "Заочное и очно-заочное голосование возможно, только если его предусматривает устав "
            "(ст. 17 ч. 21–22): отметьте это в «Правилах общего собрания» или выберите очную форму."
        )
    if meeting.has_in_person_part and not meeting.place.strip():
        problems.append("Укажите место проведения очной части.")
    if meeting.has_absentee_part and meeting.voting_ends is None:
        problems.append("Укажите, до какого момента принимаются бюллетени.")
    if meeting.voting_ends and meeting.voting_starts and meeting.voting_starts >= meeting.voting_ends:
        problems.append("Приём бюллетеней должен начаться раньше, чем закончится.")
    if meeting.voting_ends and timezone.localdate(meeting.voting_ends) > meeting.date:
        problems.append("Приём бюллетеней должен закончиться не позже дня собрания.")
    return problems


@transaction.atomic
def publish(meeting_id: int, user, now: datetime.datetime | None = None) -> Meeting:
    """Publishes the notice: from now on the agenda is fixed (ст. 17 ч. 15) and members may vote."""
    now = now or timezone.now()
    meeting = _locked(meeting_id)
    if meeting.status != Meeting.Status.DRAFT:
        raise VoteRefused("Уведомление об этом собрании уже опубликовано.")
    problems = publish_problems(meeting, timezone.localdate(now), _rules())
    if problems:
        raise VoteRefused(" ".join(problems))
    meeting.status, meeting.published_at, meeting.published_by = Meeting.Status.PUBLISHED, now, user
    meeting.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    return meeting


@transaction.atomic
def close(meeting_id: int, user, now: datetime.datetime | None = None) -> Meeting:
    """Counts the votes and writes the protocol's numbers; after this no vote is filed or changed."""
    now = now or timezone.now()
    meeting = _locked(meeting_id)
    if meeting.status != Meeting.Status.PUBLISHED:
        raise VoteRefused("Подвести итоги можно только по опубликованному и ещё не закрытому собранию.")
    if meeting.voting_ends and now < meeting.voting_ends:
        raise VoteRefused(f"Приём бюллетеней идёт до {timezone.localtime(meeting.voting_ends):%d.%m.%Y %H:%M}.")
    if timezone.localdate(now) < meeting.date:
        raise VoteRefused(f"Собрание назначено на {meeting.date:%d.%m.%Y}: итоги подводятся после него.")
    result = count_votes(meeting)
    for counted in result.items:
        item = counted.item
        item.votes_for, item.votes_against, item.votes_abstained = (
            counted.votes_for,
            counted.votes_against,
            counted.votes_abstained,
        )
        item.present, item.passed = counted.present, counted.passed
    AgendaItem.objects.bulk_update(
        [counted.item for counted in result.items],
        ["votes_for", "votes_against", "votes_abstained", "present", "passed"],
    )
    meeting.members_count, meeting.members_present = result.members_count, result.members_present
    meeting.owners_present, meeting.quorum = result.owners_present, result.quorum
    meeting.status, meeting.closed_at, meeting.closed_by = Meeting.Status.CLOSED, now, user
    meeting.save()
    return meeting
