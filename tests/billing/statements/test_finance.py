"""«Куда идут деньги»: the year's income by article and expenses by category against the смета,
on the public page «Доходы и расходы» and in the treasurer's report with its XLSX export."""

import io
from decimal import Decimal
from http import HTTPStatus

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import Site

from billing.finance import finance_year
from billing.models import Article, BankTransaction, BudgetLine, ExpenseCategory, FinancePage
from tests.factories import ArticleFactory, PlotFactory
from tests.home.factories import site_pages  # noqa: F401, F811 - fixture

from .test_admin_queue import sent_away
from .test_exchange import SAMPLE
from .test_import_statement import load

pytestmark = pytest.mark.django_db


@pytest.fixture
def year_2022():
    PlotFactory(number=269)
    PlotFactory(number=270)
    ArticleFactory(name="Электроэнергия", kind=Article.Kind.ELECTRICITY, sort_order=2)
    ArticleFactory(name="Членские взносы 2022", kind=Article.Kind.MEMBERSHIP, year=2022, sort_order=1)
    load(SAMPLE.read_bytes())
    energy = ExpenseCategory.objects.get(name="Электроэнергия поставщику")
    BudgetLine.objects.create(year=2022, category=energy, amount=Decimal("36000.00"))
    return energy


@pytest.fixture
def finance_page(year_2022):
    root = Site.objects.get(is_default_site=True).root_page
    page = root.add_child(
        instance=FinancePage(title="Доходы и расходы", slug="dohody-i-rashody", intro="Отчёт правления")
    )
    page.save_revision().publish()
    return page


def test_the_year_adds_up_by_month_article_and_category(year_2022):
    report = finance_year(2022)
    assert [(row.label, row.months[4], row.total) for row in report.income] == [
        ("Членские взносы 2022", Decimal("8200.00"), Decimal("8200.00")),
        ("Электроэнергия", Decimal("4121.45"), Decimal("4121.45")),
    ]
    assert [(row.label, row.total, row.planned) for row in report.expenses] == [
        ("Электроэнергия поставщику", Decimal("3000.00"), Decimal("36000.00")),
        ("Банковское обслуживание", Decimal("150.00"), None),
    ]
    assert report.income_total.total == Decimal("12321.45")
    assert (report.expense_total.total, report.expense_total.planned) == (Decimal("3150.00"), Decimal("36000.00"))
    assert report.expenses[0].share_of_plan == 8


def test_a_year_with_nothing_falls_back_to_the_newest(year_2022):
    assert finance_year(1999).year == 2022
    assert finance_year(None).years == [2022]


def test_the_public_page_shows_aggregates_and_never_a_person(client, finance_page):
    BankTransaction.objects.filter(direction="out").update(category=None)  # «Без категории» too
    response = client.get(finance_page.url)
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Поступило <strong>12\u00a0321,45 ₽</strong>, потрачено <strong>3\u00a0150,00 ₽</strong>" in html
    assert "Без категории" in html and "Членские взносы 2022" in html
    for private in ("Петрова", "Иванов", "40817810500001234567", "269", "МОСЭНЕРГОСБЫТ"):
        assert private not in html


@pytest.mark.parametrize("year", ["abc", "²⁰²²", "99999", "-1", "2022' OR 1=1"])
def test_a_hostile_year_shows_the_newest_year(client, finance_page, year):
    response = client.get(finance_page.url, {"year": year})
    assert response.status_code == HTTPStatus.OK
    assert "2022 год" in response.content.decode()


def test_an_empty_page_says_when_numbers_will_appear(client):
    root = Site.objects.get(is_default_site=True).root_page
    page = root.add_child(instance=FinancePage(title="Доходы и расходы", slug="finansy-pusto"))
    page.save_revision().publish()
    assert "появятся, когда казначей загрузит выписку банка" in client.get(page.url).content.decode()


def test_the_treasurer_downloads_the_report_as_xlsx(treasurer_client, year_2022):
    html = treasurer_client.get(reverse("billing_finance_report")).content.decode()
    assert "Скачать XLSX" in html and "Электроэнергия поставщику" in html
    response = treasurer_client.get(reverse("billing_finance_report"), {"year": "2022", "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["Раздел", "Статья / категория", "янв"]
    assert rows[3][:2] == ["Доходы", "Всего поступило"] and Decimal(str(rows[3][14])) == Decimal("12321.45")
    assert rows[4][:2] == ["Расходы", "Электроэнергия поставщику"]


def test_members_and_editors_do_not_see_the_report(member, editor, year_2022):
    for user in (member, editor):
        who = Client()
        who.force_login(user)
        sent_away(who.get(reverse("billing_finance_report")), user)
        xlsx = who.get(reverse("billing_finance_report"), {"format": "xlsx"})
        sent_away(xlsx, user)
        assert not xlsx.content.startswith(b"PK"), user


def test_the_public_page_keeps_the_query_budget_with_the_caches_off(
    client,
    site_pages,  # noqa: F811 - the fixture
    year_2022,
    settings,
    django_assert_num_queries,  # noqa: F811 - the fixture
):
    """Any public page ≤ 8 queries (issue 11): 7, however many payments and documents there are."""
    settings.PAGE_CACHE = settings.CABINET_CACHE = False
    page = site_pages.home.add_child(instance=FinancePage(title="Доходы и расходы", slug="dohody"))
    page.save_revision().publish()
    client.get(page.url)
    with django_assert_num_queries(7):
        assert client.get(page.url).status_code == HTTPStatus.OK
    load(SAMPLE.read_bytes().replace(b"2022", b"2023"))  # another year of documents: the same count
    with django_assert_num_queries(7):
        assert client.get(page.url, {"year": "2023"}).status_code == HTTPStatus.OK


def test_a_cached_page_shows_a_new_statement_at_once(client, site_pages, settings):  # noqa: F811 - the fixture
    """With the page cache on (production), loading a statement clears it: the members see the money."""
    settings.PAGE_CACHE = True
    PlotFactory(number=269)
    PlotFactory(number=270)
    ArticleFactory(name="Электроэнергия", kind=Article.Kind.ELECTRICITY)
    page = site_pages.home.add_child(instance=FinancePage(title="Доходы и расходы", slug="dohody"))
    page.save_revision().publish()
    assert "появятся, когда казначей загрузит выписку банка" in client.get(page.url).content.decode()
    load(SAMPLE.read_bytes())
    html = client.get(page.url).content.decode()
    assert "Поступило <strong>4\u00a0121,45 ₽</strong>" in html
