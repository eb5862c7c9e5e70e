"""217-ФЗ's rules in members.meetings.law: exact boundaries, hostile counts, the settings' lists."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from members.meetings import law
from members.meetings.law import Majority, item_passes, materials_deadline, notice_deadline, quorum_reached
from members.meetings.models import MeetingRules

MEETING = datetime.date(2025, 6, 15)


def test_notice_fourteen_days_before_is_in_time_thirteen_is_late():
    assert notice_deadline(MEETING) == datetime.date(2025, 6, 1)
    assert law.notice_in_time(datetime.date(2025, 6, 1), MEETING)  # 14 days
    assert not law.notice_in_time(datetime.date(2025, 6, 2), MEETING)  # 13 days
    assert law.notice_in_time(datetime.date(2025, 5, 1), MEETING)


def test_notice_deadline_crosses_month_and_year():
    assert notice_deadline(datetime.date(2025, 1, 10)) == datetime.date(2024, 12, 27)
    assert notice_deadline(datetime.date(2024, 3, 13)) == datetime.date(2024, 2, 28)  # a leap year


def test_materials_seven_days_before_is_in_time_six_is_late():
    assert materials_deadline(MEETING) == datetime.date(2025, 6, 8)
    assert law.materials_in_time(datetime.date(2025, 6, 8), MEETING)
    assert not law.materials_in_time(datetime.date(2025, 6, 9), MEETING)


def test_a_stricter_charter_moves_the_deadline_and_a_laxer_one_is_refused():
    assert notice_deadline(MEETING, days=21) == datetime.date(2025, 5, 25)
    with pytest.raises(ValueError, match="короче"):
        notice_deadline(MEETING, days=13)
    with pytest.raises(ValueError, match="короче"):
        materials_deadline(MEETING, days=6)


@pytest.mark.parametrize(
    ("members", "voted", "reached"),
    [(100, 51, True), (100, 50, False), (101, 51, True), (101, 50, False), (1, 1, True), (1, 0, False), (0, 0, False)],
)
def test_quorum_is_more_than_half_of_the_members(members, voted, reached):
    assert quorum_reached(members, voted) is reached


@pytest.mark.parametrize(("members", "voted"), [(-1, 0), (10, -1), (10, 11), (10, 5.5), (True, 1), ("10", 6)])
def test_quorum_refuses_impossible_counts(members, voted):
    with pytest.raises(ValueError):
        quorum_reached(members, voted)


@pytest.mark.parametrize(
    ("for_", "against", "abstained", "present", "passes"),
    [
        (60, 40, 0, 100, False),  # 60 % of the present: fails
        (66, 34, 0, 100, False),  # 66 % < 2/3
        (67, 33, 0, 100, True),  # 67 % ≥ 2/3
        (2, 1, 0, 3, True),  # 66.67 %: exactly 2/3 — «не менее двух третей» passes
        (6, 3, 0, 9, True),  # exactly 2/3
        (6, 0, 0, 10, False),  # abstentions and silence count against: 60 % of the present
        (0, 0, 0, 0, False),
    ],
)
def test_two_thirds_means_at_least_two_thirds_of_the_present(for_, against, abstained, present, passes):
    assert item_passes(Majority.QUALIFIED, for_, against, abstained, present) is passes


@pytest.mark.parametrize(
    ("for_", "against", "abstained", "present", "passes"),
    [
        (51, 49, 0, 100, True),
        (50, 50, 0, 100, False),
        (50, 10, 40, 100, False),
        (4, 0, 3, 7, True),
        (3, 0, 4, 7, False),
    ],
)
def test_simple_majority_is_more_than_half_of_the_present(for_, against, abstained, present, passes):
    assert item_passes(Majority.SIMPLE, for_, against, abstained, present) is passes


@pytest.mark.parametrize(
    ("majority", "counts"),
    [
        (Majority.SIMPLE, (6, 5, 0, 10)),  # more votes than present
        (Majority.SIMPLE, (-1, 0, 0, 10)),
        (Majority.SIMPLE, (1.5, 0, 0, 10)),
        ("three_quarters", (1, 0, 0, 1)),
    ],
)
def test_item_passes_refuses_impossible_input(majority, counts):
    with pytest.raises(ValueError):
        item_passes(majority, *counts)


def test_the_law_lists_as_data():
    qualified = {topic.point for topic in law.TOPICS if topic.qualified}
    assert qualified == {"1", "2", "3", "4", "5", "6", "6.1", "10", "17", "21", "22", "23", "24", "25", "26"}
    owners = {topic.point for topic in law.TOPICS if topic.owners_vote}
    assert owners == {"4", "5", "6", "6.1", "21", "22", "24", "26"}
    assert law.majority_for("fees") == Majority.QUALIFIED  # размер взносов
    assert law.majority_for("fees_justification") == Majority.QUALIFIED  # ФЭО
    assert law.majority_for("budget") == Majority.QUALIFIED  # смета
    assert law.majority_for("board_reports") == Majority.SIMPLE
    assert law.majority_for("no-such-code") == Majority.SIMPLE
    assert law.owners_vote("fees") and not law.owners_vote("charter")
    assert len({topic.code for topic in law.TOPICS}) == len(law.TOPICS)


@pytest.mark.django_db
def test_the_settings_start_with_the_law_and_need_a_basis_to_differ():
    rules = MeetingRules.load()
    assert set(rules.qualified_topics) == set(law.QUALIFIED_DEFAULT)
    assert set(rules.owner_topics) == set(law.OWNERS_VOTE_DEFAULT)
    assert (rules.notice_days, rules.materials_days, rules.absentee_allowed) == (14, 7, False)
    rules.full_clean()
    assert rules.majority_for("charter") == Majority.QUALIFIED

    rules.qualified_topics = [*rules.qualified_topics, "board_reports"]  # a stricter устав
    with pytest.raises(ValidationError) as error:
        rules.full_clean()
    assert "укажите основание" in str(error.value)
    rules.basis = "Устав, п. 9.4 (в редакции 2024 года)"
    rules.full_clean()
    rules.save()
    assert MeetingRules.load().majority_for("board_reports") == Majority.QUALIFIED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("notice_days", 13, "14"),
        ("materials_days", 6, "7"),
        ("qualified_topics", ["charter", "<script>"], "Выберите вопросы из списка"),
        ("owner_topics", "fees", "Выберите вопросы из списка"),
    ],
)
def test_the_settings_refuse_less_than_the_law_and_unknown_topics(field, value, message):
    rules = MeetingRules.load()
    setattr(rules, field, value)
    rules.basis = "Решение правления"
    with pytest.raises(ValidationError) as error:
        rules.full_clean()
    assert message in str(error.value)


@pytest.mark.django_db
def test_the_board_edits_the_rules_in_the_admin_with_checkboxes(treasurer_client):
    url = "/admin/settings/meetings/meetingrules/"
    page = treasurer_client.get(url, follow=True)
    assert page.status_code == 200
    text = page.content.decode()
    assert "п. 21: Размер и срок внесения взносов" in text and 'type="checkbox"' in text
    data = {
        "notice_days": "21",
        "materials_days": "7",
        "qualified_topics": list(law.QUALIFIED_DEFAULT),
        "owner_topics": list(law.OWNERS_VOTE_DEFAULT),
        "basis": "",
    }
    refused = treasurer_client.post(page.request["PATH_INFO"], data)
    assert refused.status_code == 200
    assert "укажите основание" in refused.content.decode()
    saved = treasurer_client.post(page.request["PATH_INFO"], data | {"basis": "Устав, п. 8.2"})
    assert saved.status_code == 302
    rules = MeetingRules.load()
    assert (rules.notice_days, rules.basis, set(rules.qualified_topics)) == (
        21,
        "Устав, п. 8.2",
        set(law.QUALIFIED_DEFAULT),
    )
