"""A closed meeting with known results, for the public page, the protocol and the layout walk.

Nine members on the date and one owner without membership; five members and the owner take part (a
quorum: 5 of 9). Item 1, the смета (2/3 of those present): 3 за, 1 против, 1 воздержался — 60 %, not
adopted. Item 2, the board's report (simple majority): 3 за, 2 против — adopted. Item 3, the fees (2/3,
owners vote too): 5 за, 1 против of 6 — adopted. The first voter's name must never be shown publicly."""

import datetime

from django.utils import timezone

from members.meetings import voting
from members.meetings.models import Meeting
from tests.factories import PlotFactory
from tests.members.meetings.world import owner, person, published

VOTER_NAME = "Тайнова Вера Голосовна"
ITEMS = (
    ("budget", "Утвердить приходно-расходную смету на 2027 год"),
    ("board_reports", "Утвердить отчёт правления за 2026 год"),
    ("fees", "Утвердить размер членских взносов и платы собственников"),
)
F, A, Z = "for", "against", "abstained"
BALLOTS = ((F, F, F), (F, F, F), (F, F, F), (A, A, F), (Z, A, A))  # items 1, 2, 3 of each member taking part


def after(meeting: Meeting) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(meeting.date + datetime.timedelta(days=1), datetime.time(9)))


def voted_meeting(ballots=BALLOTS, members: int = 9, **fields) -> Meeting:
    """A published meeting with ITEMS, `members` members, the first len(ballots) of them voting on paper,
    and a non-member owner voting «за» on the owners' items (if any)."""
    fields.setdefault("items", ITEMS)
    fields.setdefault("start_time", datetime.time(12, 0))
    fields.setdefault("materials_place", "В правлении по субботам с 10 до 14 и на сайте")
    meeting = published(**fields)
    people = [person(VOTER_NAME if n == 0 else f"Член Номер{n}") for n in range(members)]
    items = list(meeting.items.order_by("sort_order"))
    for who, ballot in zip(people, ballots, strict=False):
        voting.enter_paper(meeting.pk, who.pk, dict(zip((i.pk for i in items), ballot, strict=True)), None)
    owners_items = {item.pk: F for item in items if item.owners_vote}
    if owners_items:
        plot_owner = owner("Собственник Безчленства", PlotFactory())
        voting.enter_paper(meeting.pk, plot_owner.pk, owners_items, None)
    return meeting


def closed_golden(**fields) -> Meeting:
    meeting = voted_meeting(**fields)
    return voting.close(meeting.pk, None, now=after(meeting))
