"""Demo «Общие собрания»: the page under the home page; the regular meeting of 28 May 2022 (the pinned
announcement's) closed with the paper ballots of the demo registry, so the page shows results and a
protocol; and an upcoming mixed meeting whose notice is published, open for voting in «Мои данные».
Idempotent: the page is looked up under the home page, the closed meeting by its date, the upcoming one
by its title."""

import datetime

from django.utils import timezone

from demo.home import _existing, _publish_child
from home.models import HomePage
from members.meetings import law, voting
from members.meetings.models import AgendaItem, Meeting, MeetingRules, MeetingsPage, Person

DATE = datetime.date(2022, 5, 28)
PLACE = "У здания правления, ул. Центральная, 1"
ITEMS = (
    ("chair_of_meeting", "Избрать председателем собрания Иванова С. П., секретарём — Петрову Н. И."),
    ("board_reports", "Утвердить отчёт правления за 2021 год"),
    ("budget", "Утвердить приходно-расходную смету на 2022 год"),
    ("fees", "Установить членский взнос на 2022 год — 1 000 рублей за сотку, срок внесения — до 1 июля"),
    ("bodies", "Избрать ревизионную комиссию в составе трёх человек"),
)
F, A, Z = "for", "against", "abstained"
BALLOTS = {  # the demo registry's people (demo.registry) and how they voted on items 1–5
    "Иванов Иван Иванович": (F, F, F, F, F),
    "Петрова Анна Сергеевна": (F, F, A, F, Z),
    "Сидоров Павел Андреевич": (F, A, A, F, F),
    "Петров Олег Викторович": (None, None, None, F, None),  # an owner without membership: the fees only
}
UPCOMING_TITLE = "Общее собрание членов СНТ «Аникино»: смета и взносы"
UPCOMING_ITEMS = (
    ("budget", "Утвердить приходно-расходную смету на следующий год"),
    ("fees", "Утвердить размер членских взносов и платы собственников без членства"),
    ("other", "Разное: график вывоза мусора"),
)
INTRO = "Уведомления об общих собраниях членов товарищества, материалы к ним, итоги голосования и протоколы."


def _moment(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def load_demo() -> None:
    home = HomePage.objects.first()
    if home is not None and _existing(home, MeetingsPage, "sobraniya") is None:
        _publish_child(home, MeetingsPage(title="Общие собрания", slug="sobraniya", intro=INTRO))
    if not Person.objects.exists():
        return
    _allow_absentee()
    if not Meeting.objects.filter(date=DATE).exists():
        _closed_meeting()
    if not Meeting.objects.filter(title=UPCOMING_TITLE).exists():
        _upcoming_meeting()


def _allow_absentee() -> None:
    rules = MeetingRules.load()
    if not rules.absentee_allowed:
        rules.absentee_allowed = True
        rules.basis = rules.basis or "Устав СНТ «Аникино», п. 9.4 (демо): заочное и очно-заочное голосование"
        rules.save()


def _meeting(items, **fields) -> tuple[Meeting, list[AgendaItem]]:
    meeting = Meeting.objects.create(form=Meeting.Form.MIXED, place=PLACE, status=Meeting.Status.PUBLISHED, **fields)
    agenda = AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting,
            sort_order=order,
            topic=topic,
            wording=wording,
            majority=law.majority_for(topic),
            owners_vote=law.owners_vote(topic),
        )
        for order, (topic, wording) in enumerate(items)
    )
    return meeting, agenda


def _closed_meeting() -> None:
    meeting, items = _meeting(
        ITEMS,
        date=DATE,
        start_time=datetime.time(12),
        voting_starts=_moment(datetime.date(2022, 5, 14), 9),
        voting_ends=_moment(DATE, 10),
        materials_place="В правлении по субботам с 10 до 13 и на сайте в разделе «Финансы».",
        published_at=_moment(datetime.date(2022, 5, 10), 12),  # before the site had meetings
    )
    for person in Person.objects.filter(full_name__in=BALLOTS):
        ballot = {item.pk: choice for item, choice in zip(items, BALLOTS[person.full_name], strict=True) if choice}
        try:
            voting.enter_paper(meeting.pk, person.pk, ballot, None)
        except voting.VoteRefused:
            continue  # an owner whose plot the demo has not loaded votes on nothing
    voting.close(meeting.pk, None, now=_moment(DATE, 18))


def _upcoming_meeting() -> None:
    date = timezone.localdate() + datetime.timedelta(days=21)
    now = timezone.now()
    _meeting(
        UPCOMING_ITEMS,
        title=UPCOMING_TITLE,
        date=date,
        start_time=datetime.time(11),
        voting_starts=now,
        voting_ends=_moment(date, 10),
        materials_place="В правлении по субботам с 10 до 14 и на сайте в «Мои данные» → «Собрания»",
        published_at=now,
    )
