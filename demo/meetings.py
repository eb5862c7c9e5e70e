"""Demo general meetings over the demo registry (demo/registry.py): last year's regular meeting, closed
with its results (the смета passed by 2 of 3, exactly 2/3), and an upcoming mixed meeting whose notice is
published, open for voting in «Мои данные». Loaded after the registry; a second run changes nothing."""

import datetime

from django.utils import timezone

from members.meetings import law, voting
from members.meetings.models import AgendaItem, Attendance, Meeting, MeetingRules, Person, Vote

PAST_DATE = datetime.date(2025, 5, 24)
PAST_TITLE = "Очередное общее собрание членов СНТ «Аникино» 2025 года"
UPCOMING_TITLE = "Общее собрание членов СНТ «Аникино»: смета и взносы"
PLACE = "Площадка у правления, ул. Центральная, 1"
MATERIALS_PLACE = "В правлении по субботам с 10 до 14 и на сайте в «Мои данные» → «Собрания»"
# (topic, wording) of each agenda
PAST_ITEMS = (
    ("budget", "Утвердить приходно-расходную смету на 2025 год"),
    ("board_reports", "Утвердить отчёт правления за 2024 год"),
)
UPCOMING_ITEMS = (
    ("budget", "Утвердить приходно-расходную смету на следующий год"),
    ("fees", "Утвердить размер членских взносов и платы собственников без членства"),
    ("other", "Разное: график вывоза мусора"),
)
# ФИО → (choice on each past item, how it was cast); the demo registry's three members
PAST_VOTES = {
    "Иванов Иван Иванович": (("for", "for"), Vote.Source.ONLINE),
    "Петрова Анна Сергеевна": (("for", "for"), Vote.Source.PAPER),
    "Сидоров Павел Андреевич": (("against", "for"), Vote.Source.PAPER),
}


def load_demo() -> None:
    if not Person.objects.exists():
        return
    _allow_absentee()
    if not Meeting.objects.filter(title=PAST_TITLE).exists():
        _past_meeting()
    if not Meeting.objects.filter(title=UPCOMING_TITLE).exists():
        _upcoming_meeting()


def _allow_absentee() -> None:
    rules = MeetingRules.load()
    if not rules.absentee_allowed:
        rules.absentee_allowed = True
        rules.basis = rules.basis or "Устав СНТ «Аникино», п. 9.4 (демо): заочное и очно-заочное голосование"
        rules.save()


def _meeting(title: str, date: datetime.date, items, **fields) -> Meeting:
    meeting = Meeting.objects.create(
        title=title,
        date=date,
        form=Meeting.Form.MIXED,
        start_time=datetime.time(11, 0),
        place=PLACE,
        materials_place=MATERIALS_PLACE,
        status=Meeting.Status.PUBLISHED,
        **fields,
    )
    for order, (topic, wording) in enumerate(items):
        AgendaItem.objects.create(
            meeting=meeting,
            sort_order=order,
            topic=topic,
            wording=wording,
            majority=law.majority_for(topic),
            owners_vote=law.owners_vote(topic),
        )
    return meeting


def _past_meeting() -> None:
    opens = timezone.make_aware(datetime.datetime.combine(PAST_DATE - datetime.timedelta(days=14), datetime.time(9)))
    ends = timezone.make_aware(datetime.datetime.combine(PAST_DATE, datetime.time(10)))
    meeting = _meeting(PAST_TITLE, PAST_DATE, PAST_ITEMS, voting_starts=opens, voting_ends=ends, published_at=opens)
    items = list(meeting.items.all())
    people = {person.full_name: person for person in Person.objects.filter(full_name__in=PAST_VOTES)}
    for name, (choices, source) in PAST_VOTES.items():
        person = people.get(name)
        if person is None:
            continue
        if source == Vote.Source.PAPER:
            Attendance.objects.create(meeting=meeting, person=person)
        Vote.objects.bulk_create(
            Vote(meeting=meeting, item=item, person=person, choice=choice, source=source)
            for item, choice in zip(items, choices, strict=True)
        )
    voting.close(meeting.pk, None, now=ends + datetime.timedelta(hours=8))


def _upcoming_meeting() -> None:
    date = timezone.localdate() + datetime.timedelta(days=21)
    now = timezone.now()
    ends = timezone.make_aware(datetime.datetime.combine(date, datetime.time(10)))
    _meeting(UPCOMING_TITLE, date, UPCOMING_ITEMS, voting_starts=now, voting_ends=ends, published_at=now)
