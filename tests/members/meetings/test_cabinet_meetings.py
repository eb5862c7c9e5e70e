"""«Собрания» in the member's cabinet (issue 15): the meetings of the signed-in user's registry entry, the
notice and materials, the ballot while voting is open, own votes and the results after the close. Every id
the request carries is hostile; run on SQLite and on PostgreSQL (DATABASE_URL)."""

import datetime
import threading
from http import HTTPStatus

import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.documents import get_document_model

from members.meetings import voting
from members.meetings.cabinet import cabinet_meetings
from members.meetings.models import Material, Meeting, Person, Vote
from tests.factories import PlotFactory, UserFactory
from tests.members.meetings.world import meeting, owner, person, published

pytestmark = pytest.mark.django_db

LIST = "/cabinet/meetings/"
ITEMS = (("budget", "Утвердить приходно-расходную смету"), ("fees", "Утвердить размер взносов"), ("other", "Разное"))


def url(m: Meeting) -> str:
    return f"/cabinet/meetings/{m.pk}/"


def ballot(m: Meeting, *values) -> dict[str, str]:
    return {f"item-{item.pk}": value for item, value in zip(m.items.all(), values, strict=False) if value}


def ballot_ids(m: Meeting, *values) -> dict[int, str]:
    return {item.pk: value for item, value in zip(m.items.all(), values, strict=False)}


def main(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser").select_one("main")


def radios(response) -> dict[str, str | None]:
    """The ballot's radio groups by name, with the value checked (None when none is)."""
    found: dict[str, str | None] = {}
    for radio in main(response).select("input[type=radio]"):
        found.setdefault(radio["name"], None)
        if radio.has_attr("checked"):
            found[radio["name"]] = radio["value"]
    return found


@pytest.fixture
def linked(member):
    """The member's registry entry, linked by the board."""
    return person("Иванов Иван Иванович", user=member)


# --- the list -------------------------------------------------------------------------------------


def test_the_pages_need_a_login(client):
    m = published(items=ITEMS)
    for path in (LIST, url(m)):
        response = client.get(path)
        assert response.status_code == HTTPStatus.FOUND
        assert "/accounts/login/" in response["Location"]
    assert client.post(url(m), ballot(m, "for")).status_code == HTTPStatus.FOUND
    assert not Vote.objects.exists()


def test_an_unlinked_member_is_told_to_ask_the_board_and_sees_no_ballot(member_client):
    m = published(items=ITEMS)
    text = main(member_client.get(LIST)).get_text(" ", strip=True)
    assert "Попросите правление связать вашу запись реестра" in text
    assert m.title not in text
    response = member_client.get(url(m))
    assert response.status_code == HTTPStatus.OK
    assert "Бюллетень недоступен" in response.content.decode()
    assert radios(response) == {}
    refused = member_client.post(url(m), ballot(m, "for"))
    assert refused.status_code == HTTPStatus.FORBIDDEN
    assert "ещё не связана с записью в реестре" in refused.content.decode()
    assert not Vote.objects.exists()


def test_the_empty_state(member_client, linked):
    meeting(items=ITEMS)  # a draft is nobody's
    text = main(member_client.get(LIST)).get_text(" ", strip=True)
    assert "Собраний пока нет" in text


def test_the_list_has_published_and_closed_meetings_of_the_person_not_drafts(member_client, linked):
    draft = meeting(items=ITEMS, title="Черновик собрания")
    current = published(items=ITEMS, title="Собрание этого года")
    closed = published(items=ITEMS, title="Прошлое собрание")
    Meeting.objects.filter(pk=closed.pk).update(status=Meeting.Status.CLOSED)
    before = published(items=ITEMS, title="До вступления", date=datetime.date(2019, 6, 1))
    voting.cast_online(current.pk, linked.pk, {current.items.first().pk: "for"})
    text = main(member_client.get(LIST)).get_text(" ", strip=True)
    assert "Собрание этого года" in text and "Прошлое собрание" in text
    assert "голос учтён по вопросам: 1" in text
    assert draft.title not in text and before.title not in text


def test_an_owner_sees_the_meeting_as_an_owner(client, member, plot_269):
    plot_owner = owner("Собственник Без Членства", plot_269)
    plot_owner.user = member
    plot_owner.save()
    published(items=ITEMS, title="Собрание для всех")
    client.force_login(member)
    assert "собственник участка без членства; голосов нет" in main(client.get(LIST)).get_text(" ", strip=True)


def test_the_list_decides_who_takes_part_as_the_core_does(plot_269):
    """cabinet_meetings answers role_on's question for every meeting in one query: they must agree."""
    m = published(items=ITEMS)
    day = m.date
    past_owner = owner("Продал Участок", PlotFactory(number=501))
    past_owner.ownerships.update(owned_to=day - datetime.timedelta(days=1))
    last_day_owner = owner("Владеет До Дня Собрания", PlotFactory(number=502))
    last_day_owner.ownerships.update(owned_to=day)
    left = person("Вышел В День Собрания", member_since=datetime.date(2019, 1, 1))
    Person.objects.filter(pk=left.pk).update(membership_ended_on=day)
    people = [
        person("Член"),
        person("Вступит Позже", member_since=day + datetime.timedelta(days=1)),
        person("Вступил В День Собрания", member_since=day),
        owner("Собственник", plot_269),
        past_owner,
        last_day_owner,
        left,
    ]
    for who in people:
        listed = {row.meeting.pk: row.role for row in cabinet_meetings(who)}
        assert listed.get(m.pk) == voting.role_on(who, day), who.full_name


def test_the_list_says_where_the_voting_stands(member_client, linked):
    published(items=ITEMS, title="Идёт голосование")
    published(items=ITEMS, title="Очное собрание", form=Meeting.Form.IN_PERSON)
    later = published(items=ITEMS, title="Голосование позже")
    Meeting.objects.filter(pk=later.pk).update(voting_starts=timezone.now() + datetime.timedelta(days=1))
    over = published(items=ITEMS, title="Голосование прошло")
    Meeting.objects.filter(pk=over.pk).update(voting_ends=timezone.now() - datetime.timedelta(minutes=1))
    page = main(member_client.get(LIST))
    states = {
        card.select_one("h2").get_text(strip=True).rsplit(" ", 1)[0]: card.select("dd")[2].get_text(strip=True)
        for card in page.select(".meeting-card")
    }
    assert states["Идёт голосование"].startswith("идёт голосование, бюллетени принимаются до")
    assert states["Очное собрание"] == "уведомление опубликовано, собрание в очной форме"
    assert states["Голосование позже"].startswith("приём бюллетеней начнётся")
    assert states["Голосование прошло"] == "голосование закрыто, итоги подводятся"


def test_the_list_runs_the_same_queries_for_one_meeting_and_for_five(member_client, linked):
    published(items=ITEMS)
    member_client.get(LIST)
    with CaptureQueriesContext(connection) as one:
        member_client.get(LIST)
    for _ in range(4):
        published(items=ITEMS)
    with CaptureQueriesContext(connection) as five:
        response = member_client.get(LIST)
    assert len(main(response).select(".meeting-card")) == 5
    assert len(five) == len(one)


# --- the meeting's page ---------------------------------------------------------------------------


def test_the_notice_and_the_materials(member_client, linked):
    m = published(items=ITEMS, materials_place="В правлении по субботам", start_time=datetime.time(11, 0))
    document = get_document_model().objects.create(title="Смета", file=ContentFile(b"%PDF-1.4", name="smeta.pdf"))
    Material.objects.create(meeting=m, title="Проект сметы на 2027 год", document=document)
    page = main(member_client.get(url(m)))
    text = page.get_text(" ", strip=True)
    for shown in (
        "очередное общее собрание",
        "в очно-заочной форме",
        f"{m.date:%d.%m.%Y}",
        "11:00",
        "Правление, ул. Садовая, 1",
        "В правлении по субботам",
        *(wording for _, wording in ITEMS),
    ):
        assert shown in text
    assert page.find("a", string="Проект сметы на 2027 год")["href"] == document.url


def test_a_member_votes_sees_the_vote_and_changes_it(member_client, linked):
    m = published(items=ITEMS)
    response = member_client.get(url(m))
    assert set(radios(response).values()) == {None} and len(radios(response)) == 3
    assert "Проголосовали членов товарищества: 0 из 1, для кворума нужно 1" in response.content.decode()

    response = member_client.post(url(m), ballot(m, "for", "against"))
    assert response.status_code == HTTPStatus.FOUND and response["Location"] == url(m)
    assert sorted(Vote.objects.values_list("choice", "source")) == [("against", "online"), ("for", "online")]
    page = member_client.get(url(m))
    assert list(radios(page).values()) == ["for", "against", None]
    assert "Голос учтён" in page.content.decode()
    assert "Проголосовали членов товарищества: 1 из 1" in page.content.decode()

    member_client.post(url(m), ballot(m, "against", "against", "abstained"))
    assert sorted(Vote.objects.values_list("choice", flat=True)) == ["abstained", "against", "against"]
    assert list(radios(member_client.get(url(m))).values()) == ["against", "against", "abstained"]


def test_a_non_member_owner_sees_only_the_items_they_vote_on(client, member, plot_269):
    plot_owner = owner("Собственник Без Членства", plot_269)
    plot_owner.user = member
    plot_owner.save()
    m = published(items=ITEMS)
    client.force_login(member)
    response = client.get(url(m))
    text = main(response).get_text(" ", strip=True)
    fees = m.items.get(topic="fees")
    assert list(radios(response)) == [f"item-{fees.pk}"]
    assert "Утвердить размер взносов" in text
    assert "Утвердить приходно-расходную смету" not in text and "Разное" not in text
    refused = client.post(url(m), {f"item-{m.items.get(topic='budget').pk}": "for", f"item-{fees.pk}": "for"})
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert "вопрос, по которому вы не голосуете" in refused.content.decode()
    assert not Vote.objects.exists()


def test_a_paper_ballot_is_shown_and_not_editable(member_client, linked, treasurer):
    m = published(items=ITEMS)
    voting.cast_online(m.pk, linked.pk, ballot_ids(m, "against"))
    voting.enter_paper(m.pk, linked.pk, ballot_ids(m, "for"), treasurer)
    response = member_client.get(url(m))
    first = m.items.first()
    assert f"item-{first.pk}" not in radios(response)
    assert len(radios(response)) == 2
    assert "Учтён бумажный бюллетень: «за» (он заменил голос на сайте)" in main(response).get_text(" ", strip=True)
    refused = member_client.post(url(m), {f"item-{first.pk}": "against"})
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert "бумажный бюллетень" in refused.content.decode()
    assert Vote.objects.get(item=first).choice == "for"


def test_another_members_votes_are_not_shown(client, member, linked, make_member):
    m = published(items=ITEMS)
    voting.cast_online(m.pk, linked.pk, ballot_ids(m, "against", "against", "against"))
    other = make_member(username="300", email="other@example.org")
    person("Петров Пётр Петрович", user=other)
    client.force_login(other)
    response = client.get(url(m))
    assert set(radios(response).values()) == {None}
    assert "Иванов" not in response.content.decode()


def test_the_page_runs_the_same_queries_for_three_items_and_for_thirty(member_client, linked):
    """The ballot's items, the person's votes, the materials and the turnout: a query each, whatever
    the size of the agenda or the number of votes."""
    small = published(items=ITEMS)
    large = published(items=ITEMS * 10)
    for m in (small, large):
        voting.cast_online(m.pk, linked.pk, {item.pk: "for" for item in m.items.all()})
        for n in range(3):
            voting.cast_online(m.pk, person(f"Член {n}").pk, {m.items.first().pk: "against"})
    member_client.get(url(small))
    with CaptureQueriesContext(connection) as three:
        member_client.get(url(small))
    with CaptureQueriesContext(connection) as thirty:
        response = member_client.get(url(large))
    assert len(radios(response)) == 30
    assert len(thirty) == len(three)


# --- hostile input ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/cabinet/meetings/999999/", "/cabinet/meetings/0/", "/cabinet/meetings/٣/"])
def test_a_missing_meeting_is_a_404(member_client, linked, path):
    assert member_client.get(path).status_code == HTTPStatus.NOT_FOUND
    assert member_client.post(path, {"item-1": "for"}).status_code == HTTPStatus.NOT_FOUND


def test_a_draft_is_a_404_and_takes_no_vote(member_client, linked):
    draft = meeting(items=ITEMS)
    assert member_client.get(url(draft)).status_code == HTTPStatus.NOT_FOUND
    assert member_client.post(url(draft), ballot(draft, "for")).status_code == HTTPStatus.NOT_FOUND
    assert not Vote.objects.exists()


@pytest.mark.parametrize(
    ("forge", "message"),
    [
        (lambda m, other: {f"item-{other.items.first().pk}": "for"}, "вопрос, по которому вы не голосуете"),
        (lambda m, other: {"item-999999": "for"}, "вопрос, по которому вы не голосуете"),
        (lambda m, other: {f"item-{m.items.last().pk}": "yes"}, "только «за», «против» или «воздержался»"),
        (lambda m, other: {"item-٣": "for"}, "Бюллетень заполнен неверно"),
        (lambda m, other: {"item-": "for"}, "Бюллетень заполнен неверно"),
        (lambda m, other: {"item-" + "9" * 30: "for"}, "Бюллетень заполнен неверно"),
        (lambda m, other: {"item-\uff11": "for"}, "Бюллетень заполнен неверно"),
        (lambda m, other: {f"item-{m.items.last().pk}x": "for"}, "Бюллетень заполнен неверно"),
        (lambda m, other: {f"item-{m.items.last().pk}": "за"}, "только «за», «против» или «воздержался»"),
        (lambda m, other: {f"item-{m.items.last().pk}": "for\x00"}, "только «за», «против» или «воздержался»"),
        (lambda m, other: {}, "хотя бы по одному вопросу"),
    ],
)
def test_a_forged_ballot_is_refused_in_russian_and_nothing_is_saved(member_client, linked, forge, message):
    m = published(items=ITEMS)
    other = published(items=ITEMS)
    data = {**forge(m, other), **({f"item-{m.items.first().pk}": "for"} if forge(m, other) else {})}
    response = member_client.post(url(m), data)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in response.content.decode()
    assert not Vote.objects.exists()


def test_a_post_without_the_csrf_token_saves_nothing(member, linked):
    m = published(items=ITEMS)
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.post(url(m), ballot(m, "for")).status_code == HTTPStatus.FORBIDDEN
    assert not Vote.objects.exists()


def test_the_form_carries_the_csrf_token(member_client, linked):
    m = published(items=ITEMS)
    form = main(member_client.get(url(m))).select_one("form.ballot")
    assert form["method"] == "post" and form.select_one("input[name=csrfmiddlewaretoken]")


def test_someone_not_in_the_registry_on_the_date_reads_the_notice_and_cannot_vote(client, make_member):
    m = published(items=ITEMS)
    late = make_member(username="301", email="late@example.org")
    person("Вступил Позже", user=late, member_since=m.date + datetime.timedelta(days=1))
    client.force_login(late)
    assert "Собраний пока нет" in main(client.get(LIST)).get_text(" ", strip=True)
    response = client.get(url(m))
    assert "Вы не голосуете на этом собрании" in response.content.decode() and radios(response) == {}
    refused = client.post(url(m), ballot(m, "for"))
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert "Вас нет в реестре членов товарищества и собственников на дату собрания" in refused.content.decode()
    assert not Vote.objects.exists()


def test_before_the_voting_starts_the_ballot_is_not_open(member_client, linked):
    m = published(items=ITEMS)
    Meeting.objects.filter(pk=m.pk).update(voting_starts=timezone.now() + datetime.timedelta(days=1))
    response = member_client.get(url(m))
    assert "Приём бюллетеней на сайте начнётся" in response.content.decode() and radios(response) == {}
    refused = member_client.post(url(m), ballot(m, "for"))
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert "Голосование на сайте по этому собранию сейчас не идёт" in refused.content.decode()
    assert not Vote.objects.exists()


# --- after the voting -------------------------------------------------------------------------------


def test_after_the_voting_ends_the_votes_are_read_only(member_client, linked):
    m = published(items=ITEMS)
    voting.cast_online(m.pk, linked.pk, ballot_ids(m, "for"))
    Meeting.objects.filter(pk=m.pk).update(voting_ends=timezone.now() - datetime.timedelta(minutes=1))
    response = member_client.get(url(m))
    text = main(response).get_text(" ", strip=True)
    assert radios(response) == {} and main(response).select_one("form.ballot") is None
    assert "Голосование закрыто" in text and "Ваш голос: «за»" in text
    refused = member_client.post(url(m), ballot(m, "against"))
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert "Голосование закрыто" in refused.content.decode()
    assert Vote.objects.get().choice == "for"


def test_after_the_close_the_results_per_item(member_client, linked, treasurer):
    m = published(items=ITEMS, date=timezone.localdate() - datetime.timedelta(days=1))
    Meeting.objects.filter(pk=m.pk).update(voting_ends=timezone.now() + datetime.timedelta(hours=1))
    others = [person(f"Член {n}") for n in range(2)]
    voting.cast_online(m.pk, linked.pk, ballot_ids(m, "for", "for", "against"))
    voting.cast_online(m.pk, others[0].pk, ballot_ids(m, "for", "against", "against"))
    Meeting.objects.filter(pk=m.pk).update(voting_ends=timezone.now() - datetime.timedelta(minutes=1))
    voting.close(m.pk, treasurer)
    response = member_client.get(url(m))
    page = main(response)
    text = page.get_text(" ", strip=True)
    assert radios(response) == {}
    assert "Членов товарищества на дату собрания: 3, приняли участие: 2" in text and "Кворум был" in text
    results = [
        [dd.get_text(strip=True) for dd in section.select(".ballot-item__result dd")]
        for section in page.select(".ballot-item")
    ]
    # смета: 2 of 2 present for (2/3 reached); взносы: 1 of 2 (not 2/3); разное: 0 for, 2 against
    assert results == [["2", "0", "0", "принято"], ["1", "1", "0", "не принято"], ["0", "2", "0", "не принято"]]
    assert "Член 0" not in response.content.decode()  # totals only: nobody's name
    assert member_client.post(url(m), ballot(m, "against")).status_code == HTTPStatus.BAD_REQUEST
    assert Vote.objects.count() == 6


# --- two clicks at once -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_file_one_vote_per_item():
    """Two POSTs of one ballot released together (two threads, two connections): the core's row lock
    makes the second wait for the first and change nothing; one vote per item."""
    user = UserFactory(username="269", email="m269@example.org")
    voter = person("Иванов Иван Иванович", user=user)
    m = published(items=ITEMS)
    data = ballot(m, "for", "against", "abstained")
    barrier = threading.Barrier(2)
    statuses, failures = [], []

    def click() -> None:
        client = Client()
        client.force_login(user)
        try:
            barrier.wait()
            statuses.append(client.post(url(m), data).status_code)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    assert statuses == [HTTPStatus.FOUND, HTTPStatus.FOUND]
    assert Vote.objects.filter(person=voter).count() == 3
    assert sorted(Vote.objects.values_list("choice", flat=True)) == ["abstained", "against", "for"]
