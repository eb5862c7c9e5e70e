"""«Мои данные»: the current item from the resolved view, the date passed in where a view has it."""

import datetime
from http import HTTPStatus

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.models import ImportBatch
from members.context_processors import CabinetContext
from tests.factories import ImportBatchFactory
from tests.members.cabinet_data import build_seed

pytestmark = pytest.mark.django_db


def _menu(html: bytes) -> tuple[bool, list[str]]:
    """Whether «Мои данные» is the open section, and the labels of the items marked current."""
    soup = BeautifulSoup(html, "html.parser")
    section = soup.select_one("li.main-nav__item--dropdown")
    current = [a.get_text(strip=True) for a in section.select("a[aria-current=page]")]
    return "is-active" in section["class"], current


@pytest.mark.parametrize(
    ("url", "item"),
    [
        ("/kabinet/payments/", "Статус моих оплат от 26 апреля 2022"),
        ("/kabinet/electricity/", "Показания моих счетчиков электричества"),
        ("/kabinet/readings/", "Передать показания"),
        ("/kabinet/reconciliation/", "Акт сверки"),
        ("/kabinet/", "269"),
        ("/kabinet/edit/", "Изменить регистрационные данные"),
        ("/kabinet/registry/", "Запись в реестре"),
        ("/kabinet/meetings/", "Собрания"),
        ("/kabinet/documents/", "Копии документов"),
        ("/uchetnaya-zapis/email/", "Изменить электронную почту или пароль"),
        ("/uchetnaya-zapis/password/change/", "Изменить электронную почту или пароль"),
    ],
)
def test_the_current_item_follows_the_view_wherever_it_is_mounted(member_client, member, settings, url, item):
    settings.ROOT_URLCONF = "tests.members.moved_urls"
    build_seed(member)
    response = member_client.get(url)
    assert response.status_code == HTTPStatus.OK
    assert _menu(response.content) == (True, [item])


def test_a_page_outside_the_section_marks_nothing(member_client, member, site_pages):
    response = member_client.get(site_pages.announcements.url)
    assert response.status_code == HTTPStatus.OK
    assert _menu(response.content) == (False, [])


def test_a_missing_page_renders_the_menu_without_a_current_item(member_client):
    response = member_client.get("/cabinet/no-such-page/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert _menu(response.content) == (False, [])


@pytest.mark.parametrize("date", [datetime.date(2022, 4, 26), None])
def test_a_date_passed_in_is_shown_without_a_query(rf, member, date):
    request = rf.get("/")
    request.user = member
    with CaptureQueriesContext(connection) as queries:
        assert CabinetContext(request, payment_status_date=date).payment_status_date == date
    assert len(queries) == 0


def test_the_payments_page_reads_the_date_once_for_its_title_and_the_menu(member_client, member):
    build_seed(member)
    ImportBatchFactory(kind=ImportBatch.Kind.PAYMENTS, as_of=datetime.date(2022, 5, 3))
    member_client.get("/cabinet/payments/?warm=1")  # a query string: never the session's cached copy
    with CaptureQueriesContext(connection) as queries:
        html = member_client.get("/cabinet/payments/?again=1").content.decode()
    batches = [q["sql"] for q in queries if ImportBatch._meta.db_table in q["sql"]]
    assert len(batches) == 1, batches
    assert html.count("Статус моих оплат от 3 мая 2022") == 2  # the heading and the menu
