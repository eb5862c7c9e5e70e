"""«Общие собрания» (meetings.MeetingsPage): the notices of published meetings and the results of closed
ones, totals only; a meeting's own address; drafts and forged ids 404; fixed queries whatever the size;
the page cache forgets the page when a meeting is published or closed."""

import datetime
import re
from http import HTTPStatus

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.documents import get_document_model

from members.meetings import voting
from members.meetings.models import Material, Meeting, MeetingsPage
from tests.home.factories import publish
from tests.members.meetings.results_data import ITEMS, VOTER_NAME, after, closed_golden, voted_meeting
from tests.members.meetings.world import allow_absentee, meeting, published

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(site_pages):
    return publish(site_pages.home, MeetingsPage(title="Общие собрания", slug="sobraniya", intro="Как проходят"))


def text(response) -> str:
    """The page's words, tags taken out (a <dt> and its <dd> read as «Кворум есть»)."""
    assert response.status_code == HTTPStatus.OK
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).replace("\xa0", " ").split())


def material(m: Meeting, title: str) -> Material:
    document = get_document_model().objects.create(title=title, file=ContentFile(b"%PDF-1.4 smeta", name="smeta.pdf"))
    return Material.objects.create(meeting=m, title=title, document=document)


def test_the_page_lists_published_and_closed_meetings_never_a_draft(client, page):
    notice = published(
        items=(("budget", "Утвердить смету на 2027 год"), ("other", "Разное")),
        start_time=datetime.time(11, 30),
        materials_place="В правлении по субботам с 10 до 14",
    )
    material(notice, "Проект сметы на 2027 год")
    closed = closed_golden()
    meeting(items=(("other", "Черновой вопрос"),), title="Черновик собрания")
    body = text(client.get(page.url))
    assert "Черновой вопрос" not in body and "Черновик собрания" not in body
    assert "Утвердить смету на 2027 год" in body and "Разное" in body
    assert "начало в 11:30" in body and "Правление, ул. Садовая, 1" in body
    assert "В очно-заочной форме" in body and "Очередное общее собрание, по инициативе: правление" in body
    assert "В правлении по субботам с 10 до 14" in body
    assert "Проект сметы на 2027 год" in body and 'href="/documents/' in response_html(client, page)
    assert f'href="{page.url}{notice.pk}/"' in response_html(client, page)
    # the closed one: the quorum, each decision with its totals, and the protocol
    assert "Кворум был: приняли участие 5 из 9 членов товарищества." in body
    assert "Не принято: за 3, против 1, воздержались 1." in body
    assert "Принято: за 3, против 2, воздержались 0." in body
    assert "Принято: за 5, против 1, воздержались 0." in body
    assert f'href="{page.url}{closed.pk}/protocol/"' in response_html(client, page)
    assert VOTER_NAME not in body


def response_html(client, page) -> str:
    return client.get(page.url).content.decode()


def test_with_no_meeting_the_page_says_when_a_notice_appears(client, page):
    meeting()  # a draft only
    assert "Собраний пока нет. Уведомление о собрании появляется здесь не позднее чем за две недели" in text(
        client.get(page.url)
    )


def test_a_closed_meetings_page_shows_the_results_totals_only(client, page):
    closed = closed_golden()
    body = text(client.get(f"{page.url}{closed.pk}/"))
    for words in (
        "Членов товарищества на дату собрания 9",
        "Приняли участие членов 5",
        "Приняли участие собственников без членства 1",
        "Кворум есть (нужно не менее 5 членов)",
        "Вопрос 1 Утвердить приходно-расходную смету на 2027 год Необходимое большинство не менее 2/3 "
        "присутствующих Голосовали по вопросу 5 За 3 (60,0 %) Против 1 Воздержались 1 Решение не принято",
        "Вопрос 2 Утвердить отчёт правления за 2026 год Необходимое большинство простое большинство "
        "Голосовали по вопросу 5 За 3 (60,0 %) Против 2 Воздержались 0 Решение принято",
        "голосуют и собственники участков без членства Голосовали по вопросу 6 За 5 (83,3 %) Против 1 Воздержались 0 "
        "Решение принято",
        "Скачать протокол собрания (PDF)",
    ):
        assert words in body, words
    assert VOTER_NAME not in body and "Номер1" not in body and "Безчленства" not in body
    assert "заполнить на сайте" not in body  # voting is over


def test_a_published_meetings_page_is_the_notice_and_promises_the_results(client, page):
    notice = voted_meeting()  # votes are in, the meeting is not closed: no running count in public
    body = text(client.get(f"{page.url}{notice.pk}/"))
    assert "Уведомление о проведении собрания" in body and "Утвердить отчёт правления за 2026 год" in body
    assert "Итоги появятся здесь после подведения итогов голосования." in body
    assert "Бюллетень можно сдать в правление или заполнить на сайте: «Мои данные» → «Собрания»" in body
    assert "Кворум" not in body and "protocol/" not in body
    assert client.get(f"{page.url}{notice.pk}/protocol/").status_code == HTTPStatus.NOT_FOUND


def test_drafts_and_forged_ids_are_not_found(client, page):
    draft = meeting()
    closed = closed_golden()
    for tail in (
        f"{draft.pk}/",
        f"{draft.pk}/protocol/",
        f"{closed.pk + 1000}/",
        "0/",
        "-1/",
        "١/",  # an Arabic-Indic one
        "１/",  # a full-width one
        "12345678901234567890/",
        "abc/",
        f"{closed.pk}/protocol.pdf",
        f"{closed.pk}/protokol/",
        f"{closed.pk}/../",
    ):
        assert client.get(f"{page.url}{tail}").status_code == HTTPStatus.NOT_FOUND, tail
    assert client.get(f"{page.url}{closed.pk}/protocol/").status_code == HTTPStatus.OK


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == HTTPStatus.OK
    return len(captured)


PAGE_QUERIES = 6  # site and settings, the page and its route, the menu, the meeting, its items, its materials


def test_the_results_page_reads_a_fixed_number_of_queries(client, page, settings, django_assert_num_queries):
    settings.PAGE_CACHE = False
    small = closed_golden()
    many_items = tuple(("other", f"Вопрос номер {n}") for n in range(30))
    big = closed_golden(items=many_items, members=40, ballots=[("for",) * 30] * 30)
    material(big, "Отчёт правления")
    client.get(f"{page.url}{small.pk}/")  # warm: Wagtail's site root paths
    with django_assert_num_queries(PAGE_QUERIES):
        client.get(f"{page.url}{small.pk}/")
    with django_assert_num_queries(PAGE_QUERIES):
        assert "Вопрос 30" in client.get(f"{page.url}{big.pk}/").content.decode()
    assert _queries(client, page.url) == PAGE_QUERIES  # every meeting, items and materials: still three


def test_the_running_count_is_four_queries_whatever_the_size(django_assert_num_queries):
    small = voted_meeting()
    big = voted_meeting(
        items=tuple(("other", f"Вопрос {n}") for n in range(20)), members=30, ballots=[("for",) * 20] * 25
    )
    with django_assert_num_queries(4):
        tally = voting.count_votes(small)
    assert (tally.members_present, tally.owners_present) == (5, 1)
    with django_assert_num_queries(4):
        tally = voting.count_votes(big)
    assert (tally.members_count, tally.members_present) == (9 + 30, 25)  # the registry is shared


def test_the_cached_page_shows_the_results_once_the_meeting_is_closed(client, page):
    notice = voted_meeting()
    url = f"{page.url}{notice.pk}/"
    assert "Итоги появятся здесь" in text(client.get(url))
    assert client.get(url)["X-Cache"] == "hit"
    voting.close(notice.pk, None, now=after(notice))
    fresh = client.get(url)
    assert fresh.get("X-Cache") != "hit"
    assert "Решение не принято" in text(fresh)
    assert "Решение не принято" not in text(client.get(page.url)) and "Не принято: за 3" in text(client.get(page.url))


def test_publishing_a_meeting_puts_its_notice_on_the_cached_page(client, page):
    assert "Собраний пока нет" in text(client.get(page.url))
    assert client.get(page.url)["X-Cache"] == "hit"
    allow_absentee()
    draft = meeting(items=ITEMS[:1], date=timezone.localdate() + datetime.timedelta(days=30))
    voting.publish(draft.pk, None)
    assert "Утвердить приходно-расходную смету на 2027 год" in text(client.get(page.url))


def test_a_wording_is_text_not_markup(client, page):
    closed = closed_golden(items=(("other", '<script>alert("x")</script> Смета & «отчёт»'),), ballots=(("for",),) * 5)
    for url in (page.url, f"{page.url}{closed.pk}/"):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Смета &amp; «отчёт»" in html


def test_an_editor_previews_a_new_page_with_the_meetings(site_pages):
    """A page not yet saved has no address: its preview still lists the meetings."""
    closed_golden()
    response = MeetingsPage(title="Собрания", slug="novye").make_preview_request()
    assert "Кворум был: приняли участие 5 из 9" in text(response.render())


def test_editors_place_the_page_under_the_home_page_or_a_text_page_once(site_pages, admin_client):
    assert MeetingsPage.can_create_at(site_pages.home) and MeetingsPage.can_create_at(site_pages.finance)
    assert not MeetingsPage.can_create_at(site_pages.announcements)
    add = f"/admin/pages/add/meetings/meetingspage/{site_pages.home.pk}/"
    assert admin_client.get(add).status_code == HTTPStatus.OK
    publish(site_pages.home, MeetingsPage(title="Общие собрания", slug="sobraniya"))
    assert not MeetingsPage.can_create_at(site_pages.home)  # one per parent
