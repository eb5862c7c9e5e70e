"""«Акт сверки» in the cabinet: a form per confirmed plot, the PDF with the instruction's numbers, the
same numbers as «Статус моих оплат» and «Мое электричество», nothing of a plot without a confirmed
claim, and every bad period answered in Russian on the page."""

import datetime
import re
from decimal import Decimal
from http import HTTPStatus

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from billing.models import Article
from members.models import PlotClaim
from tests.billing.reconciliation_data import golden_269
from tests.factories import ArticleFactory, ChargeFactory, PaymentFactory, PlotClaimFactory, PlotFactory, UserFactory
from tests.members.acts import CHAIRMAN, TREASURER, fill_settings, pdf_text

pytestmark = pytest.mark.django_db
PAGE = "/cabinet/reconciliation/"
PDF = "/cabinet/reconciliation/269.pdf"


@pytest.fixture
def acts(member, site_pages):
    """Member 269 with the golden plot 269 confirmed, and the partnership's settings filled in."""
    fill_settings(site_pages)
    plot = golden_269()
    PlotClaimFactory(user=member, plot=plot, status=PlotClaim.Status.CONFIRMED)
    return plot


def test_the_pdf_has_the_instructions_numbers_requisites_and_board(member_client, acts):
    response = member_client.get(PDF, {"from": "2022-01-01", "to": "2022-12-31"})
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="akt-sverki-269-2022-01-01-2022-12-31.pdf"'
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response.content)
    for words in (
        "СНТ «Тестовое» ИНН 5012345678, КПП 501201001, р/с 40703810000000000001, банк ПАО Тестбанк, БИК 044525225",
        "Акт сверки взаиморасчётов по участку № 269, улица 5 за период с 01.01.2022 по 31.12.2022",
        "01.06.2022 Электроэнергия за май 2022: T1 520, T2 217 кВт·ч 4 121,45 4 121,45",
        "31.12.2022 Сальдо на конец периода 4 121,45 Членские взносы 2022",
        "01.01.2022 Членские взносы 2022 7 200,00 7 200,00",
        "10.06.2022 Оплата № 41 от 10.06.2022 7 200,00 0,00",
        "Итого за период 7 200,00 7 200,00 31.12.2022 Сальдо на конец периода 0,00",
        "Электроэнергия 0,00 4 121,45 0,00 4 121,45",
        "Членские взносы 2022 0,00 7 200,00 7 200,00 0,00",
        "Всего 0,00 11 321,45 7 200,00 4 121,45",
        "На 31.12.2022 задолженность по участку № 269 составляет 4 121,45 руб.",
        f"Председатель правления {CHAIRMAN}",
        f"Казначей {TREASURER}",
        "Если обнаружили ошибку, пожалуйста, воспользуйтесь формой обратной связи: http://testserver/kontakty/",
    ):
        assert words in text, words


def test_without_dates_the_period_runs_from_the_first_charge_to_today(member_client, acts):
    today = timezone.localdate()
    response = member_client.get(PDF)
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Disposition"].endswith(f'akt-sverki-269-2022-01-01-{today:%Y-%m-%d}.pdf"')
    assert f"за период с 01.01.2022 по {today:%d.%m.%Y}" in pdf_text(response.content)


def test_the_page_has_a_form_per_confirmed_plot_with_the_default_period(member_client, member, acts):
    PlotClaimFactory(user=member, plot=PlotFactory(number=270), status=PlotClaim.Status.PENDING)
    response = member_client.get(PAGE)
    assert response.status_code == HTTPStatus.OK
    soup = BeautifulSoup(response.content, "html.parser")
    [form] = soup.select("main form.form")
    assert form["action"] == PDF and form["method"] == "get"
    assert form.select_one("input[name=from]")["value"] == "2022-01-01"
    assert form.select_one("input[name=to]")["value"] == f"{timezone.localdate():%Y-%m-%d}"
    assert form.select_one("button").get_text(strip=True) == "Скачать акт сверки (PDF)"
    assert "Участок 270 ожидает подтверждения казначеем" in soup.get_text(" ", strip=True)
    current = soup.select("li.main-nav__item--dropdown a[aria-current=page]")
    assert [a.get_text(strip=True) for a in current] == ["Акт сверки"]


def test_a_plot_without_records_has_no_button(member_client, member):
    PlotClaimFactory(user=member, plot=PlotFactory(number=269), status=PlotClaim.Status.CONFIRMED)
    html = member_client.get(PAGE).content.decode()
    assert "По участку 269 ещё нет ни начислений, ни платежей" in html
    assert "Скачать акт сверки" not in html
    response = member_client.get(PDF)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "ещё нет ни начислений, ни платежей" in response.content.decode()


def _cells(soup, selector: str) -> list[list[str]]:
    """The rows' cell texts, without the due-date notes under the articles' names."""
    for note in soup.select(".article-due"):
        note.decompose()
    return [[" ".join(c.get_text(" ").split()) for c in row.select("th, td")] for row in soup.select(selector)]


def test_page_and_pdf_numbers_agree_to_the_kopeck(member_client, acts):
    """Each article's «Сумма к оплате» less «Предоплата» on «Статус моих оплат» is its closing balance
    in the акт to today, and the May bill on «Мое электричество» is the electricity line."""
    target = ArticleFactory(name="Целевой взнос 2022", kind=Article.Kind.TARGET, year=2022, sort_order=20)
    ChargeFactory(plot=acts, article=target, amount=Decimal("3000.00"), accrued_on=datetime.date(2022, 2, 1))
    PaymentFactory(plot=acts, article=target, amount=Decimal("1000.01"), paid_on=datetime.date(2022, 3, 5))
    text = pdf_text(member_client.get(PDF).content)
    payments = BeautifulSoup(member_client.get("/cabinet/payments/").content, "html.parser")
    articles = _cells(payments, "#plot-269 tr.plot-article")
    assert [row[0] for row in articles] == ["Членские взносы 2022", "Целевой взнос 2022"]
    for name, *cells in articles:
        due, advance = _money(cells)
        closing = f"{due - advance:,.2f}".replace(",", " ").replace(".", ",")
        row = rf"{re.escape(name)} 0,00 [\d ]+,\d\d [\d ]+,\d\d {re.escape(closing)}\b"
        assert re.search(row, text), (name, closing)
    assert "Целевой взнос 2022 0,00 3 000,00 1 000,01 1 999,99" in text
    electricity = member_client.get("/cabinet/electricity/").content.decode()
    assert "4121.45" in electricity and "Электроэнергия 0,00 4 121,45 0,00 4 121,45" in text


def _money(cells: list[str]) -> tuple[Decimal, Decimal]:
    """The row's «Сумма к оплате» and «Предоплата/аванс» (its last two filled cells)."""
    due, advance = (Decimal(c.replace(" ", "").replace(",", ".")) for c in [c for c in cells if c][-2:])
    return due, advance


@pytest.mark.parametrize("status", [PlotClaim.Status.PENDING, PlotClaim.Status.REJECTED], ids=["pending", "rejected"])
def test_a_plot_without_a_confirmed_claim_is_a_404(member_client, member, site_pages, status):
    PlotClaimFactory(user=member, plot=golden_269(), status=status)
    assert member_client.get(PDF).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    "path",
    [
        "/cabinet/reconciliation/270.pdf",  # another member's confirmed plot
        "/cabinet/reconciliation/271.pdf",  # a plot of nobody's
        "/cabinet/reconciliation/999.pdf",  # no such plot
        "/cabinet/reconciliation/0269.pdf",  # the member's own number, written otherwise
        "/cabinet/reconciliation/２６９.pdf",  # fullwidth digits
        "/cabinet/reconciliation/٢٦٩.pdf",  # Arabic-Indic digits
        "/cabinet/reconciliation/99999999999999999999.pdf",
        "/cabinet/reconciliation/-269.pdf",
        "/cabinet/reconciliation/269.PDF",
        "/cabinet/reconciliation/269/",
    ],
)
def test_nothing_but_a_confirmed_plot_of_ones_own(member_client, acts, path):
    other = UserFactory(username="270", email="m270@example.org")
    PlotClaimFactory(user=other, plot=golden_269(270), status=PlotClaim.Status.CONFIRMED)
    PlotFactory(number=271)
    response = member_client.get(path)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not response.content.startswith(b"%PDF")


def test_an_inactive_plot_shows_nothing(member_client, acts):
    acts.active = False
    acts.save()
    assert member_client.get(PDF).status_code == HTTPStatus.NOT_FOUND


def test_a_visitor_is_sent_to_the_login(client, acts):
    response = client.get(PDF)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")


def _future(days: int = 1) -> str:
    return f"{timezone.localdate() + datetime.timedelta(days=days):%Y-%m-%d}"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "2022-06-01", "to": "2022-05-01"}, "Начало периода (01.06.2022) позже его конца (01.05.2022)."),
        ({"from": "2021-12-31"}, "Данные по участку 269 начинаются с 01.01.2022: выберите начало периода не раньше"),
        ({"to": "FUTURE"}, "ещё не наступила: выберите день не позже"),
        ({"from": "2022-13-01"}, "Введите дату в формате ГГГГ-ММ-ДД, например 2022-05-01."),
        ({"to": "31.12.2022"}, "Введите дату в формате ГГГГ-ММ-ДД"),
        ({"from": "9" * 40}, "Введите дату в формате ГГГГ-ММ-ДД"),
        ({"from": "2022-02-30"}, "Введите дату в формате ГГГГ-ММ-ДД"),
    ],
)
def test_a_bad_period_is_the_page_again_with_the_reason(member_client, acts, query, message):
    query = {key: _future() if value == "FUTURE" else value for key, value in query.items()}
    response = member_client.get(PDF, query)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert message in html
    assert 'role="alert"' in html and "Скачать акт сверки (PDF)" in html


def test_a_post_is_not_allowed(member_client, acts):
    assert member_client.post(PDF).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert member_client.post(PAGE).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_a_member_making_акты_without_end_is_slowed_down(member_client, acts, settings):
    settings.RECONCILIATION_PDF_RATE = (2, 600)
    assert [member_client.get(PDF).status_code for _ in range(3)] == [200, 200, HTTPStatus.TOO_MANY_REQUESTS]
    assert "Слишком много" in member_client.get(PDF).content.decode()
