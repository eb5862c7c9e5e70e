"""The protocol of a general meeting as PDF (members/meetings/protocol.py): the numbers written at the
close, read back from the PDF's text layer; for the secretary in the admin (view_meeting or
publish_meeting) and for anyone from the public page; only for a closed meeting; no voter's name."""

import datetime
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from members.meetings.models import MeetingsPage
from members.models import User
from tests.factories import UserFactory
from tests.home.factories import publish
from tests.members.acts import pdf_text
from tests.members.meetings.results_data import VOTER_NAME, closed_golden, voted_meeting
from tests.members.meetings.world import meeting

pytestmark = pytest.mark.django_db


def admin_url(pk) -> str:
    return f"/admin/meetings/meeting/{pk}/protocol.pdf"


def staff(username: str, *codenames: str, groups=("Секретарь правления",)):
    user = UserFactory(username=username, email="", is_staff=True, groups=list(groups))
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="meetings", codename__in=codenames))
    client = Client()
    client.force_login(user)
    return client


def admin_only(username: str):
    """A staff user who may enter the admin and nothing else."""
    user = UserFactory(username=username, email="", is_staff=True)
    user.user_permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def secretary(site_pages):
    return staff("sekretar", "view_meeting")


def test_the_protocol_has_the_laws_facts_and_every_items_count(secretary):
    closed = closed_golden()
    response = secretary.get(admin_url(closed.pk))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="protokol-sobraniya-{closed.date:%Y-%m-%d}.pdf"'
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response.content)
    for words in (
        "Протокол очередного общего собрания членов СНТ «Тестовое» проведённого в очно-заочной форме",
        f"Дата проведения {closed.date:%d.%m.%Y}, начало в 12:00",
        "Место проведения Правление, ул. Садовая, 1",
        "Вид собрания очередное, по инициативе: правление",
        "Членов товарищества на дату собрания 9",
        "Приняли участие членов товарищества 5",
        "Приняли участие собственников без членства 1",
        "Кворум имеется (необходимо более половины членов: не менее 5)",
        "Повестка дня Утвердить приходно-расходную смету на 2027 год Утвердить отчёт правления за 2026 год",
        "Вопрос 1. Утвердить приходно-расходную смету на 2027 год Необходимое большинство: не менее 2/3 "
        "присутствующих.",
        "5 3 (60,0 %) 1 1 Решение: не принято.",
        "Вопрос 2. Утвердить отчёт правления за 2026 год Необходимое большинство: простое большинство.",
        "5 3 (60,0 %) 2 0 Решение: принято.",
        "Необходимое большинство: не менее 2/3 присутствующих; голосуют и собственники участков без членства.",
        "6 5 (83,3 %) 1 0 Решение: принято.",
        "Председатель общего собрания",
        "Секретарь общего собрания",
        "Подсчёт голосов провели",
        f"Итоги подведены {closed.date + datetime.timedelta(days=1):%d.%m.%Y}.",  # the day of the close
    ):
        assert words in text, words
    assert VOTER_NAME not in text and "Номер1" not in text


def test_without_a_quorum_the_protocol_says_so_and_nothing_is_adopted(secretary):
    closed = closed_golden(ballots=((("for",) * 3),) * 4)  # 4 of 9 members: no quorum
    text = pdf_text(secretary.get(admin_url(closed.pk)).content)
    assert "Приняли участие членов товарищества 4" in text
    assert "Кворум отсутствует" in text and "Кворума нет: собрание неправомочно" in text
    assert "Решение: принято" not in text and text.count("Решение: не принято.") == 3


def test_publish_meeting_is_enough_and_others_are_refused(site_pages):
    closed = closed_golden()
    board = staff("predsedatel", "publish_meeting", groups=())
    admin = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    User.objects.get(username="predsedatel").user_permissions.add(admin)
    assert board.get(admin_url(closed.pk)).status_code == HTTPStatus.OK
    for client in (
        admin_only("bez-prav"),  # an admin user without the meetings' permissions
        staff("kassir", groups=("Казначей",)),
        staff("redaktor", groups=("Editors",)),
    ):
        response = client.get(admin_url(closed.pk))
        assert response.status_code == HTTPStatus.FOUND and response["Location"] == "/admin/"
    anonymous = Client().get(admin_url(closed.pk))
    assert anonymous.status_code == HTTPStatus.FOUND and "/login/" in anonymous["Location"]
    member = Client()
    member.force_login(UserFactory(username="269"))
    assert "/login/" in member.get(admin_url(closed.pk))["Location"]


def test_only_a_closed_meeting_has_a_protocol(secretary):
    draft, running = meeting(), voted_meeting()
    for pk in (draft.pk, running.pk, running.pk + 1000):
        assert secretary.get(admin_url(pk)).status_code == HTTPStatus.NOT_FOUND, pk
    for path in ("0/protocol.pdf", "１/protocol.pdf", "1234567890/protocol.pdf", f"{draft.pk}/protocol.PDF"):
        assert secretary.get(f"/admin/meetings/meeting/{path}", follow=True).status_code == HTTPStatus.NOT_FOUND
    assert secretary.post(admin_url(running.pk)).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_the_public_protocol_is_the_secretarys(client, site_pages, secretary):
    closed = closed_golden()
    page = publish(site_pages.home, MeetingsPage(title="Общие собрания", slug="sobraniya"))
    public = client.get(f"{page.url}{closed.pk}/protocol/")
    assert public.status_code == HTTPStatus.OK and public["Content-Type"] == "application/pdf"
    assert "no-store" not in public.get("Cache-Control", "")  # no names in it: it may be cached like its page
    assert pdf_text(public.content) == pdf_text(secretary.get(admin_url(closed.pk)).content)


def test_the_secretarys_results_page_links_the_protocol(site_pages):
    closed = closed_golden()
    secretary = staff("sekretar-2", groups=("Секретарь правления",))
    results = secretary.get(f"/admin/meetings/meeting/{closed.pk}/results/").content.decode()
    assert f'href="{admin_url(closed.pk)}">Протокол (PDF)</a>' in results
    assert "<strong>Решение не принято</strong> (60,0 % «за»)" in results  # the смета: 3 of 5, under 2/3
    assert "<strong>Решение принято</strong> (60,0 % «за»)" in results  # the report: 3 of 5, over a half
    draft = meeting()
    listing = secretary.get("/admin/meetings/meeting/").content.decode()
    assert admin_url(closed.pk) in listing and admin_url(draft.pk) not in listing
