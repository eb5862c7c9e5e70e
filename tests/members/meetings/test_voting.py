"""The meeting's core (members/meetings/voting.py): who votes on what, one vote per person per item,
the paper ballot winning over the online one, publishing by the 14-day rule, the count and the close."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from members.meetings import voting
from members.meetings.models import AgendaItem, Attendance, Meeting, Vote
from members.meetings.voting import MEMBER, OWNER, VoteRefused
from tests.factories import PlotFactory, UserFactory
from tests.members.meetings.world import allow_absentee, meeting, owner, person, published

pytestmark = pytest.mark.django_db

ITEMS = (("budget", "Утвердить приходно-расходную смету"), ("fees", "Утвердить размер взносов"), ("other", "Разное"))


def choices(m: Meeting, *values) -> dict[int, str]:
    return {item.pk: value for item, value in zip(m.items.all(), values, strict=False)}


def test_roles_come_from_the_registry_on_the_meeting_date():
    m = published(items=ITEMS)
    member = person("Член Товарищества")
    late = person("Вступил Позже", member_since=m.date + datetime.timedelta(days=1))
    left = person("Вышел Раньше", is_member=False, member_since=datetime.date(2019, 1, 1))
    left.membership_ended_on = datetime.date(2021, 1, 1)
    left.save()
    plot_owner = owner("Собственник Без Членства", PlotFactory())
    assert voting.role_on(member, m.date) == MEMBER
    assert voting.role_on(late, m.date) is None
    assert voting.role_on(left, m.date) is None
    assert voting.role_on(plot_owner, m.date) == OWNER
    assert [i.topic for i in voting.items_for(m, OWNER)] == ["fees"]
    assert [i.number for i in voting.items_for(m, MEMBER)] == [1, 2, 3]


def test_a_member_votes_changes_the_vote_and_it_counts_once():
    m = published(items=ITEMS)
    member = person()
    voting.cast_online(m.pk, member.pk, choices(m, "for", "against"))
    voting.cast_online(m.pk, member.pk, choices(m, "against", "against", "abstained"))
    assert sorted(Vote.objects.values_list("choice", flat=True)) == ["abstained", "against", "against"]
    assert Vote.objects.count() == 3


def test_the_unique_key_is_the_last_guard_against_a_double_vote():
    m = published(items=ITEMS)
    member = person()
    item = m.items.first()
    Vote.objects.create(meeting=m, item=item, person=member, choice="for")
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(meeting=m, item=item, person=member, choice="against")


@pytest.mark.parametrize(
    "forge",
    [
        lambda m, other: {other.items.first().pk: "for"},  # another meeting's item
        lambda m, other: {999_999: "for"},
        lambda m, other: {m.items.first().pk: "yes"},
        lambda m, other: {},
    ],
)
def test_forged_ballots_are_refused_whole(forge):
    m = published(items=ITEMS)
    other = published(items=ITEMS)
    member = person()
    with pytest.raises(VoteRefused):
        voting.cast_online(m.pk, member.pk, {**forge(m, other), m.items.last().pk: "for"} if forge(m, other) else {})
    assert not Vote.objects.exists()


def test_an_owner_votes_only_on_the_owners_items():
    m = published(items=ITEMS)
    plot_owner = owner("Собственник", PlotFactory())
    with pytest.raises(VoteRefused, match="не голосуете"):
        voting.cast_online(m.pk, plot_owner.pk, choices(m, "for"))
    fees = m.items.get(topic="fees")
    voting.cast_online(m.pk, plot_owner.pk, {fees.pk: "for"})
    assert Vote.objects.get().item == fees


def test_a_stranger_and_a_closed_vote_are_refused():
    m = published(items=ITEMS)
    stranger = person("Не Член", is_member=False)
    with pytest.raises(VoteRefused, match="нет в реестре"):
        voting.cast_online(m.pk, stranger.pk, choices(m, "for"))
    member = person()
    after = m.voting_ends + datetime.timedelta(seconds=1)
    with pytest.raises(VoteRefused, match="Голосование закрыто"):
        voting.cast_online(m.pk, member.pk, choices(m, "for"), now=after)
    draft = meeting(items=ITEMS)
    with pytest.raises(VoteRefused, match="сейчас не идёт"):
        voting.cast_online(draft.pk, member.pk, choices(draft, "for"))
    assert not Vote.objects.exists()


def test_the_paper_ballot_wins_and_keeps_the_online_choice():
    m = published(items=ITEMS)
    member = person()
    secretary = UserFactory()
    voting.cast_online(m.pk, member.pk, choices(m, "for", "for"))
    voting.enter_paper(m.pk, member.pk, choices(m, "against"), secretary)
    first, second = m.items.all()[:2]
    paper = Vote.objects.get(item=first)
    assert (paper.choice, paper.source, paper.online_choice, paper.entered_by) == (
        "against",
        "paper",
        "for",
        secretary,
    )
    assert Vote.objects.get(item=second).source == "online"
    with pytest.raises(VoteRefused, match="бумажный бюллетень"):
        voting.cast_online(m.pk, member.pk, choices(m, "for"))
    assert Vote.objects.get(item=first).choice == "against"


def test_publishing_is_refused_at_13_days_and_accepted_at_14():
    allow_absentee()
    today = timezone.localdate()
    thirteen = meeting(date=today + datetime.timedelta(days=13), items=ITEMS)
    with pytest.raises(VoteRefused, match="не позднее чем за 14 дн.*осталось 13 дн"):
        voting.publish(thirteen.pk, None)
    thirteen.refresh_from_db()
    assert thirteen.status == Meeting.Status.DRAFT
    fourteen = meeting(date=today + datetime.timedelta(days=14), items=ITEMS)
    assert voting.publish(fourteen.pk, None).status == Meeting.Status.PUBLISHED
    with pytest.raises(VoteRefused, match="уже опубликовано"):
        voting.publish(fourteen.pk, None)


def test_absentee_voting_needs_the_charter():
    m = meeting(date=timezone.localdate() + datetime.timedelta(days=30), items=ITEMS)
    with pytest.raises(VoteRefused, match="предусматривает устав"):
        voting.publish(m.pk, None)
    in_person = meeting(date=timezone.localdate() + datetime.timedelta(days=30), form=Meeting.Form.IN_PERSON)
    assert voting.publish(in_person.pk, None).is_published


def test_the_count_quorum_and_majorities_at_the_close():
    """10 members; 6 take part (quorum: more than 5). The 2/3 item gets 60 % «за» and fails; the simple
    item passes. A non-member owner votes on the fees item only and counts among its present."""
    m = published(items=ITEMS)
    members = [person(f"Член {n}") for n in range(10)]
    plot_owner = owner("Собственник", PlotFactory())
    budget, fees, other = m.items.all()
    for n, who in enumerate(members[:5]):
        voting.cast_online(m.pk, who.pk, {budget.pk: "for" if n < 3 else "against", fees.pk: "for", other.pk: "for"})
    voting.register_attendance(m.pk, members[5].pk, None)
    voting.enter_paper(m.pk, members[5].pk, {budget.pk: "for", other.pk: "abstained"}, None)
    voting.cast_online(m.pk, plot_owner.pk, {fees.pk: "against"})
    live = voting.count_votes(m)
    assert (live.members_count, live.members_present, live.owners_present, live.quorum) == (10, 6, 1, True)
    by_topic = {c.item.topic: c for c in live.items}
    assert (by_topic["budget"].votes_for, by_topic["budget"].present, by_topic["budget"].passed) == (4, 6, True)
    # the 6th member's budget vote turns to «против»: 3 of 6 is 50 % < 2/3
    voting.enter_paper(m.pk, members[5].pk, {budget.pk: "against"}, None)
    with pytest.raises(VoteRefused, match="идёт до"):
        voting.close(m.pk, None)
    closed = voting.close(m.pk, None, now=m.voting_ends + datetime.timedelta(hours=3))
    assert (closed.status, closed.members_count, closed.members_present, closed.owners_present, closed.quorum) == (
        "closed",
        10,
        6,
        1,
        True,
    )
    budget, fees, other = AgendaItem.objects.filter(meeting=m).order_by("sort_order")
    assert (budget.votes_for, budget.votes_against, budget.votes_abstained, budget.present, budget.passed) == (
        3,
        3,
        0,
        6,
        False,
    )
    assert (fees.votes_for, fees.votes_against, fees.present, fees.passed) == (5, 1, 7, True)
    assert (other.votes_for, other.votes_abstained, other.present, other.passed) == (5, 1, 6, True)
    with pytest.raises(VoteRefused, match="закрыто"):
        voting.cast_online(m.pk, members[7].pk, {other.pk: "for"})
    with pytest.raises(VoteRefused, match="до подведения итогов"):
        voting.enter_paper(m.pk, members[7].pk, {other.pk: "for"}, None)


def test_no_quorum_adopts_nothing():
    m = published(items=ITEMS)
    members = [person(f"Член {n}") for n in range(4)]
    voting.cast_online(m.pk, members[0].pk, choices(m, "for", "for", "for"))
    voting.cast_online(m.pk, members[1].pk, choices(m, "for", "for", "for"))
    live = voting.count_votes(m)
    assert live.quorum is False and [c.passed for c in live.items] == [False, False, False]  # even at 100 % «за»
    closed = voting.close(m.pk, None, now=m.voting_ends + datetime.timedelta(hours=3))
    assert closed.quorum is False
    assert list(closed.items.values_list("passed", flat=True)) == [False, False, False]


def test_attendance_registers_once():
    m = published(items=ITEMS)
    member = person()
    voting.register_attendance(m.pk, member.pk, None, representative="  Петров   П. П.,  доверенность №1 ")
    voting.register_attendance(m.pk, member.pk, None)
    assert list(Attendance.objects.values_list("representative", flat=True)) == ["Петров П. П., доверенность №1"]


def test_the_count_takes_a_fixed_number_of_queries(django_assert_num_queries):
    m = published(items=ITEMS)
    for n in range(5):
        voting.cast_online(m.pk, person(f"Член {n}").pk, choices(m, "for", "against", "abstained"))
    with django_assert_num_queries(4):
        voting.count_votes(m)
    for n in range(5, 30):
        voting.cast_online(m.pk, person(f"Член {n}").pk, choices(m, "for", "against", "abstained"))
    with django_assert_num_queries(4):
        assert voting.count_votes(m).members_present == 30


def test_a_ballot_is_written_in_the_same_queries_for_3_or_12_items():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def ballot_queries(items: int, write) -> int:
        m = published(items=[("other", f"Вопрос {n}") for n in range(items)])
        who = person(f"Член {items}")
        voting.cast_online(m.pk, who.pk, {item.pk: "for" for item in m.items.all()[:1]})  # one vote to change
        with CaptureQueriesContext(connection) as captured:
            write(m, who, {item.pk: "against" for item in m.items.all()})
        assert Vote.objects.filter(meeting=m, person=who, choice="against").count() == items
        return len(captured) - 1  # the items' query of the dict above

    online = lambda m, who, c: voting.cast_online(m.pk, who.pk, c)  # noqa: E731
    paper = lambda m, who, c: voting.enter_paper(m.pk, who.pk, c, None)  # noqa: E731
    assert ballot_queries(3, online) == ballot_queries(12, online)
    assert ballot_queries(3, paper) == ballot_queries(12, paper)
