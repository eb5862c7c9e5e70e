"""«Общие собрания» in the admin: the secretary's list and form (majorities from the rules, the agenda and
the date fixed after the notice, materials until the deadline), publishing by the 14-day rule, the
registration desk with paper ballots and the quorum panel, the close and the results; the treasurer gets
none of it, and only view_ballots shows who voted how."""

import datetime
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from members.meetings import voting
from members.meetings.models import Attendance, Meeting, MeetingRules, Vote
from tests.factories import PlotFactory, UserFactory
from tests.home.factories import make_document
from tests.members.meetings.conftest import meeting_post
from tests.members.meetings.world import allow_absentee, meeting, owner, person, published

pytestmark = pytest.mark.django_db

INDEX = "meetings_meeting_modeladmin_index"
ITEMS = (("budget", "Утвердить приходно-расходную смету на 2027 год"), ("other", "Разное"))


def url(name: str, m: Meeting) -> str:
    return reverse(name, args=[m.pk])


def edit_url(m: Meeting) -> str:
    return reverse("meetings_meeting_modeladmin_edit", args=[m.pk])


def texts(response) -> str:
    return response.content.decode()


def past(days=3, **fields) -> Meeting:
    return published(date=timezone.localdate() - datetime.timedelta(days=days), items=ITEMS, **fields)


# --- who may manage meetings -------------------------------------------------------------------------


def test_the_secretary_group_holds_the_meeting_permissions_and_the_treasurer_none():
    granted = set(
        Group.objects.get(name="Секретарь правления")
        .permissions.filter(content_type__app_label="meetings")
        .values_list("codename", flat=True)
    )
    assert {"add_meeting", "change_meeting", "publish_meeting", "enter_ballots", "view_ballots"} <= granted
    assert "view_meetingnotice" in granted
    treasurer = set(Group.objects.get(name="Казначей").permissions.values_list("codename", flat=True))
    assert not treasurer & {"view_meeting", "add_meeting", "publish_meeting", "enter_ballots", "view_ballots"}


def test_the_secretary_sees_the_menu_and_list_the_treasurer_is_turned_away(secretary_client, treasurer):
    m = past()
    response = secretary_client.get(reverse(INDEX))
    assert response.status_code == HTTPStatus.OK
    assert "Общие собрания" in texts(response)
    assert "уведомление опубликовано" in texts(response)
    secretary_client.force_login(treasurer)
    for path in (
        reverse(INDEX),
        url("meetings_meeting_ballots", m),
        url("meetings_meeting_close", m),
        url("meetings_meeting_notices", m),
    ):
        got = secretary_client.get(path)
        assert got.status_code == HTTPStatus.FOUND and got["Location"] == "/admin/", path
    assert secretary_client.post(url("meetings_meeting_close", m)).status_code == HTTPStatus.FOUND
    assert Meeting.objects.get().status == Meeting.Status.PUBLISHED
    assert "Общие собрания" not in texts(secretary_client.get(reverse("wagtailadmin_home")))


# --- the form ---------------------------------------------------------------------------------------


def test_the_secretary_creates_a_meeting_with_its_agenda(secretary_client):
    day = timezone.localdate() + datetime.timedelta(days=30)
    data = meeting_post(
        date=f"{day:%Y-%m-%d}",
        voting_ends=f"{day:%Y-%m-%d} 10:00",
        items=[
            ("Утвердить смету", "budget", "two_thirds", False),
            ("Утвердить размер взносов", "fees", "two_thirds", True),
            ("Разное", "other", "two_thirds", False),  # stricter than the rules: allowed
        ],
    )
    response = secretary_client.post(reverse("meetings_meeting_modeladmin_create"), data)
    assert response.status_code == HTTPStatus.FOUND, texts(response)
    created = Meeting.objects.get()
    assert created.status == Meeting.Status.DRAFT and created.date == day
    assert list(created.items.values_list("topic", "majority", "owners_vote")) == [
        ("budget", "two_thirds", False),
        ("fees", "two_thirds", True),
        ("other", "two_thirds", False),
    ]


def test_the_form_carries_the_rules_for_the_topic_defaults_and_says_what_is_fixed(secretary_client):
    rules = MeetingRules.load()
    rules.qualified_topics = [*rules.qualified_topics, "other"]
    rules.basis = "п. 9.5 устава"
    rules.save()
    page = texts(secretary_client.get(reverse("meetings_meeting_modeladmin_create")))
    assert '<script id="meeting-rules" type="application/json">' in page and "meeting-agenda.js" in page
    assert '"other": ["two_thirds", false]' in page and '"fees": ["two_thirds", true]' in page
    m = published(items=ITEMS)
    edit = texts(secretary_client.get(edit_url(m)))
    assert "повестку дня, дату, время, место и форму изменить нельзя" in edit
    assert f"Материалы можно добавить до {m.date - datetime.timedelta(days=7):%d.%m.%Y}" in edit


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (("Утвердить смету", "budget", "simple", False), "более слабое большинство выбрать нельзя"),
        (("Утвердить взносы", "fees", "two_thirds", False), "голосуют и собственники участков без членства"),
        (("Разное", "other", "simple", True), "собственники без членства не голосуют"),
    ],
)
def test_a_majority_weaker_than_the_rules_or_a_wrong_owners_vote_is_refused(secretary_client, row, message):
    day = timezone.localdate() + datetime.timedelta(days=30)
    data = meeting_post(date=f"{day:%Y-%m-%d}", items=[row])
    response = secretary_client.post(reverse("meetings_meeting_modeladmin_create"), data)
    assert response.status_code == HTTPStatus.OK
    assert message in texts(response)
    assert not Meeting.objects.exists()


def _published_post(m: Meeting, **fields) -> dict:
    values = {
        "title": m.title,
        "kind": m.kind,
        "form": m.form,
        "initiator": m.initiator,
        "date": f"{m.date:%Y-%m-%d}",
        "start_time": "",
        "place": m.place,
        "voting_ends": f"{timezone.localtime(m.voting_ends):%Y-%m-%d %H:%M}",
        "materials_place": m.materials_place,
    }
    values |= fields
    return meeting_post(existing_items=list(m.items.all()), existing_materials=list(m.materials.all()), **values)


def test_after_the_notice_the_date_and_the_agenda_cannot_change(secretary_client):
    m = published(items=ITEMS)
    later = m.date + datetime.timedelta(days=7)
    response = secretary_client.post(edit_url(m), _published_post(m, date=f"{later:%Y-%m-%d}"))
    assert response.status_code == HTTPStatus.OK
    assert "Уведомление о собрании опубликовано: «Дата собрания» изменить нельзя" in texts(response)
    data = _published_post(m) | {"items-2-wording": "Новый вопрос", "items-2-topic": "other"}
    data |= {"items-2-majority": "simple", "items-2-ORDER": "3", "items-2-id": "", "items-TOTAL_FORMS": "3"}
    response = secretary_client.post(edit_url(m), data)
    assert response.status_code == HTTPStatus.OK
    assert "повестку дня изменить нельзя" in texts(response)
    forged = _published_post(m) | {"items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "1"}  # drops item 2
    response = secretary_client.post(edit_url(m), forged)
    assert "повестку дня изменить нельзя" in texts(response)
    m.refresh_from_db()
    assert m.date != later and m.items.count() == 2


def test_materials_are_added_until_the_deadline_and_never_removed(secretary_client):
    m = published(items=ITEMS)  # 20 days ahead: the deadline (7 days before) has not passed
    doc = make_document("Проект сметы")
    response = secretary_client.post(edit_url(m), _published_post(m) | _material_rows(m, doc))
    assert response.status_code == HTTPStatus.FOUND, texts(response)
    assert list(m.materials.values_list("title", flat=True)) == ["Проект сметы"]
    kept = _published_post(m)
    kept["materials-0-DELETE"] = "on"
    response = secretary_client.post(edit_url(m), kept)
    assert "удалить их нельзя" in texts(response)
    assert m.materials.count() == 1
    Meeting.objects.filter(pk=m.pk).update(date=timezone.localdate() + datetime.timedelta(days=6))
    m.refresh_from_db()
    response = secretary_client.post(edit_url(m), _published_post(m) | _material_rows(m, make_document("Отчёт")))
    assert response.status_code == HTTPStatus.OK
    assert "Добавить или заменить материал теперь нельзя" in texts(response)
    assert m.materials.count() == 1


def _material_rows(m: Meeting, doc) -> dict:
    existing = list(m.materials.all())
    n = len(existing)
    return {
        "materials-TOTAL_FORMS": str(n + 1),
        f"materials-{n}-id": "",
        f"materials-{n}-title": doc.title,
        f"materials-{n}-document": str(doc.pk),
        f"materials-{n}-ORDER": str(n + 1),
    }


def test_a_closed_meeting_is_not_edited_and_a_published_one_not_deleted(secretary_client):
    closed = past()
    voting.close(closed.pk, None)
    assert secretary_client.get(edit_url(closed))["Location"] == "/admin/"
    m = published(items=ITEMS)
    delete = reverse("meetings_meeting_modeladmin_delete", args=[m.pk])
    assert secretary_client.post(delete).status_code == HTTPStatus.FOUND
    assert Meeting.objects.filter(pk=m.pk).exists()


# --- publishing -------------------------------------------------------------------------------------


def test_publishing_is_refused_at_13_days_and_accepted_at_14(secretary_client, django_capture_on_commit_callbacks):
    allow_absentee()
    early = meeting(date=timezone.localdate() + datetime.timedelta(days=13), items=ITEMS)
    page = secretary_client.get(url("meetings_meeting_publish", early))
    assert "не позднее чем за 14 дн." in texts(page) and "осталось 13 дн." in texts(page)
    assert "не приложено ни одного материала" in texts(page)
    response = secretary_client.post(url("meetings_meeting_publish", early), follow=True)
    assert "осталось 13 дн." in texts(response)
    early.refresh_from_db()
    assert early.status == Meeting.Status.DRAFT

    m = meeting(date=timezone.localdate() + datetime.timedelta(days=14), items=ITEMS)
    page = secretary_client.get(url("meetings_meeting_publish", m))
    assert "Опубликовать и разослать уведомление" in texts(page)
    with django_capture_on_commit_callbacks(execute=True):
        response = secretary_client.post(url("meetings_meeting_publish", m), follow=True)
    assert "Уведомление опубликовано" in texts(response)
    m.refresh_from_db()
    assert m.status == Meeting.Status.PUBLISHED and m.published_at is not None
    # a second click changes nothing
    response = secretary_client.post(url("meetings_meeting_publish", m), follow=True)
    assert "уведомление опубликовано" in texts(response)


# --- registration and paper ballots ------------------------------------------------------------------


@pytest.fixture
def desk():
    allow_absentee()
    m = published(items=ITEMS + (("fees", "Утвердить размер взносов"),))
    plot = PlotFactory(number=77)
    ivanov = person("Иванов Иван Иванович")
    petrova = person("Петрова Анна Сергеевна")
    sidorov = owner("Сидоров Пётр Николаевич", plot)
    return m, ivanov, petrova, sidorov


def test_the_desk_finds_people_by_name_or_plot_and_registers_them(secretary_client, desk):
    m, ivanov, petrova, sidorov = desk
    page = url("meetings_meeting_ballots", m)
    found = texts(secretary_client.get(page, {"q": "иванов"}))
    assert "Иванов Иван Иванович" in found and "Петрова" not in found
    found = texts(secretary_client.get(page, {"q": "77"}))
    assert "Сидоров Пётр Николаевич" in found and "Иванов" not in found
    assert "Никого не нашлось" in texts(secretary_client.get(page, {"q": "٧٧"}))
    panel = texts(secretary_client.get(page))
    assert "Членов товарищества на дату собрания: <strong>2</strong>" in panel
    assert "нужно ещё 2 чел." in panel
    secretary_client.post(page, {"person": ivanov.pk, "action": "attend", "representative": "  Иванова  М. И. "})
    secretary_client.post(page, {"person": ivanov.pk, "action": "attend"})  # a second click
    attendance = Attendance.objects.get()
    assert attendance.person == ivanov and attendance.representative == "Иванова М. И."
    assert "нужно ещё 1 чел." in texts(secretary_client.get(page))


def test_a_paper_ballot_replaces_the_online_vote_and_says_so(secretary_client, desk):
    m, ivanov, petrova, sidorov = desk
    budget, other, fees = m.items.all()
    voting.cast_online(m.pk, ivanov.pk, {budget.pk: "against", other.pk: "for"})
    page = url("meetings_meeting_ballots", m)
    shown = texts(secretary_client.get(page, {"person": ivanov.pk}))
    assert "Есть голос на сайте: «против» — бумажный бюллетень его заменит." in shown
    response = secretary_client.post(
        page,
        {"person": ivanov.pk, "action": "ballot", f"item-{budget.pk}": "for", f"item-{fees.pk}": "abstained"},
        follow=True,
    )
    assert "Заменено голосов, поданных на сайте: 1." in texts(response)
    vote = Vote.objects.get(item=budget, person=ivanov)
    assert (vote.choice, vote.source, vote.online_choice) == ("for", "paper", "against")
    assert Vote.objects.get(item=other, person=ivanov).source == "online"
    assert "он заменил голос на сайте («против»)" in texts(secretary_client.get(page, {"person": ivanov.pk}))


def test_the_desk_refuses_forged_people_items_and_choices(secretary_client, desk):
    m, ivanov, petrova, sidorov = desk
    budget, other, fees = m.items.all()
    page = url("meetings_meeting_ballots", m)
    stranger = person("Вступил Позже", member_since=m.date + datetime.timedelta(days=1))
    for forged in ("999999", str(stranger.pk), "١", "", "1e3"):
        response = secretary_client.post(
            page, {"person": forged, "action": "ballot", f"item-{budget.pk}": "for"}, follow=True
        )
        assert "Такого человека нет" in texts(response)
    other_meeting = published(items=ITEMS)
    foreign = other_meeting.items.first()
    response = secretary_client.post(
        page, {"person": ivanov.pk, "action": "ballot", f"item-{foreign.pk}": "for"}, follow=True
    )
    assert "вопрос, по которому вы не голосуете" in texts(response)
    response = secretary_client.post(
        page, {"person": sidorov.pk, "action": "ballot", f"item-{budget.pk}": "for"}, follow=True
    )
    assert "вопрос, по которому вы не голосуете" in texts(response)  # an owner does not vote on the смета
    response = secretary_client.post(
        page, {"person": ivanov.pk, "action": "ballot", f"item-{budget.pk}": "да"}, follow=True
    )
    assert "только «за», «против» или «воздержался»" in texts(response)
    assert not Vote.objects.exists()
    owner_page = texts(secretary_client.get(page, {"person": sidorov.pk}))
    assert "Утвердить размер взносов" in owner_page and "Утвердить приходно-расходную смету" not in owner_page


def test_without_view_ballots_the_desk_shows_no_choices(client, desk):
    m, ivanov, petrova, sidorov = desk
    budget = m.items.first()
    voting.cast_online(m.pk, ivanov.pk, {budget.pk: "against"})
    counter = _user_with("enter_ballots", "view_meeting")
    client.force_login(counter)
    shown = texts(client.get(url("meetings_meeting_ballots", m), {"person": ivanov.pk}))
    assert "Есть голос на сайте — бумажный бюллетень его заменит." in shown
    assert "«против»" not in shown


def _user_with(*codenames):
    group = Group.objects.create(name="Счётная комиссия " + "-".join(codenames))
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=["meetings", "wagtailadmin"], codename__in=[*codenames, "access_admin"]
        )
    )
    return UserFactory(username="counter", email="", is_staff=True, groups=[group.name])


# --- the close and the results ------------------------------------------------------------------------


def test_the_close_counts_and_the_results_show_who_voted_how_only_with_view_ballots(secretary_client, client):
    allow_absentee()
    m = past(days=1)
    budget, other = m.items.all()
    voters = [person(f"Член {n}") for n in range(5)]
    Vote.objects.bulk_create(
        [
            Vote(meeting=m, item=budget, person=p, choice=c)
            for p, c in zip(voters, ["for", "for", "for", "against", "abstained"], strict=True)
        ]
        + [Vote(meeting=m, item=other, person=p, choice="for") for p in voters[:3]]
    )
    Vote.objects.filter(person=voters[0], item=budget).update(source="paper", online_choice="against")
    page = texts(secretary_client.get(url("meetings_meeting_close", m)))
    assert "Кворум есть." in page
    response = secretary_client.post(url("meetings_meeting_close", m), follow=True)
    assert "Итоги подведены" in texts(response)
    m.refresh_from_db()
    assert m.is_closed and m.quorum and m.members_present == 5
    budget.refresh_from_db()
    other.refresh_from_db()
    assert (budget.votes_for, budget.present, budget.passed) == (3, 5, False)  # 60 % of a 2/3 item
    assert (other.votes_for, other.passed) == (3, True)
    results = texts(response)
    assert "Член 0" in results and "бумажный бюллетень; заменил голос на сайте «против»" in results
    assert (
        secretary_client.post(url("meetings_meeting_close", m)).status_code == HTTPStatus.FOUND
    )  # closed: no second close
    with pytest.raises(voting.VoteRefused):
        voting.cast_online(m.pk, voters[4].pk, {budget.pk: "for"})
    client.force_login(_user_with("view_meeting"))
    plain = texts(client.get(url("meetings_meeting_results", m)))
    assert "Итоги по вопросам" in plain and "Член 0" not in plain and "Кто как голосовал" not in plain


def test_the_close_is_refused_before_the_meeting_date(secretary_client):
    allow_absentee()
    m = published(items=ITEMS)
    response = secretary_client.post(url("meetings_meeting_close", m), follow=True)
    assert "Приём бюллетеней идёт до" in texts(response) or "итоги подводятся после него" in texts(response)
    m.refresh_from_db()
    assert m.status == Meeting.Status.PUBLISHED
    assert secretary_client.get(url("meetings_meeting_results", m))["Location"] == reverse(INDEX)


def test_pages_of_a_missing_meeting_are_404(secretary_client):
    for name in (
        "meetings_meeting_publish",
        "meetings_meeting_ballots",
        "meetings_meeting_close",
        "meetings_meeting_results",
    ):
        assert secretary_client.get(reverse(name, args=[987654])).status_code == HTTPStatus.NOT_FOUND


# --- the demo ----------------------------------------------------------------------------------------


def test_the_demo_has_a_closed_meeting_with_results_and_an_open_upcoming_one(secretary_client):
    from demo import meetings as demo_meetings
    from demo import registry as demo_registry

    for number in (269, 270, 12, 3):
        PlotFactory(number=number)
    demo_registry.load_demo()
    demo_meetings.load_demo()
    demo_meetings.load_demo()
    past_meeting, upcoming = Meeting.objects.order_by("date")
    assert Meeting.objects.count() == 2
    assert past_meeting.is_closed and past_meeting.quorum and past_meeting.members_present == 3
    assert [(i.votes_for, i.present, i.passed) for i in past_meeting.items.all()] == [
        (3, 3, True),
        (2, 3, True),
        (1, 3, False),
        (4, 4, True),  # the fees: a non-member owner votes too
        (2, 3, True),
    ]
    assert upcoming.is_published and upcoming.form == Meeting.Form.MIXED and upcoming.online_voting_open()
    assert upcoming.date >= timezone.localdate() + datetime.timedelta(days=14)
    results = secretary_client.get(url("meetings_meeting_results", past_meeting)).content.decode()
    assert "Сидоров Павел Андреевич" in results and results.count("Решение принято") == 4


def test_the_results_page_takes_the_same_queries_for_3_or_12_voters(secretary_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def results_queries(voters: int) -> int:
        m = past(days=1)
        people = [person(f"Голосующий {m.pk}-{n}") for n in range(voters)]
        Vote.objects.bulk_create(
            Vote(meeting=m, item=i, person=p, choice="for") for p in people for i in m.items.all()
        )
        voting.close(m.pk, None)
        with CaptureQueriesContext(connection) as queries:
            response = secretary_client.get(url("meetings_meeting_results", m))
        assert response.status_code == HTTPStatus.OK and f"Голосующий {m.pk}-0" in texts(response)
        return len(queries)

    assert results_queries(3) == results_queries(12)


def test_an_edit_checked_as_a_draft_is_not_saved_once_the_meeting_is_published(secretary_client, monkeypatch):
    """The other secretary publishes between this form's checks and its save: nothing is saved."""
    from members.meetings.meeting_forms import MeetingAdminForm

    m = meeting(items=ITEMS)
    checked = MeetingAdminForm.clean

    def clean_then_published_elsewhere(form):
        cleaned = checked(form)
        Meeting.objects.filter(pk=m.pk).update(status=Meeting.Status.PUBLISHED)
        return cleaned

    monkeypatch.setattr(MeetingAdminForm, "clean", clean_then_published_elsewhere)
    later = m.date + datetime.timedelta(days=7)
    data = _published_post(m, date=f"{later:%Y-%m-%d}")
    response = secretary_client.post(edit_url(m), data)
    assert response.status_code == HTTPStatus.OK
    assert "его уведомление опубликовали или подвели итоги: изменения не сохранены" in texts(response)
    m.refresh_from_db()
    assert m.date != later and m.status == Meeting.Status.PUBLISHED
