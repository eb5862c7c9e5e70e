import datetime
from decimal import Decimal
from http import HTTPStatus

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing.models import Article, PenaltyRule
from billing.services.debts.accrual import penalties_accrue
from members.cabinet_cache import bump_generation
from members.models import PlotClaim
from tests.factories import ArticleFactory, ChargeFactory, PaymentFactory, PlotFactory, TariffFactory
from tests.home.factories import make_contact, make_home
from tests.members.cabinet_data import build_seed, confirm, seed_membership, seed_payment_rows, seed_plot

pytestmark = pytest.mark.django_db

URL = "/cabinet/payments/"


def tables(html: str) -> dict[str, list[list[str]]]:
    """Every payment table by its id, as rows of cell texts (non-breaking spaces read as spaces): the
    instruction's cells, without the due-date notes under the articles' names (issue 13)."""
    soup = BeautifulSoup(html, "html.parser")
    for note in soup.select(".article-due"):
        note.decompose()
    return {
        table["id"]: [
            [cell.get_text(" ", strip=True).replace("\xa0", " ") for cell in row.find_all(["th", "td"])]
            for row in table.find_all("tr")
        ]
        for table in soup.select("table.payment-table")
    }


def text_of(html: str) -> str:
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").replace("\xa0", " ").split())


def test_url_names():
    assert reverse("cabinet:payments") == URL


def test_the_instruction_tables_for_plots_269_and_270(member_client, member):
    build_seed(member)
    response = member_client.get(URL)
    assert response.status_code == HTTPStatus.OK
    assert tables(response.content.decode()) == {
        "plot-269": seed_payment_rows(269),
        "plot-270": seed_payment_rows(270),
    }


def test_each_article_says_when_it_is_due_and_since_when_it_is_overdue(member_client, member):
    build_seed(member)  # membership 2022: due 1 July 2022 by the default rule, unpaid
    html = member_client.get(URL).content.decode()
    soup = BeautifulSoup(html, "html.parser")
    row = soup.select_one("#plot-269 .plot-article")
    assert "is-overdue" in row["class"]
    note = row.select_one(".article-due").get_text(" ", strip=True).replace("\xa0", " ")
    assert " ".join(note.split()) == "оплатить до 01.07.2022, просрочено с 02.07.2022: 7 200,00 руб."


def test_a_paid_article_and_one_not_yet_due_are_not_overdue(member_client, member):
    plot = seed_plot(269)
    membership = seed_membership([plot])
    PaymentFactory(plot=plot, article=membership, amount=Decimal("7200.00"))
    later = ArticleFactory(name="Целевой взнос 2099", kind=Article.Kind.TARGET, year=2099)
    ChargeFactory(plot=plot, article=later, amount=Decimal("500.00"))
    confirm(member, plot)
    soup = BeautifulSoup(member_client.get(URL).content, "html.parser")
    rows = {r.th.contents[0].strip(): r for r in soup.select("#plot-269 .plot-article")}
    assert rows["Членские взносы 2022"].select_one(".article-due") is None
    assert rows["Целевой взнос 2099"].select_one(".article-due").get_text(" ", strip=True) == "оплатить до 01.07.2099"
    assert not soup.select(".is-overdue")


def test_title_has_the_import_date_in_russian_genitive(member_client, member):
    build_seed(member)
    soup = BeautifulSoup(member_client.get(URL).content, "html.parser")
    assert soup.h1.get_text(strip=True) == "Статус моих оплат от 26 апреля 2022"
    menu_item = soup.select_one(".dropdown__list a[aria-current=page]")
    assert menu_item.get_text(strip=True) == "Статус моих оплат от 26 апреля 2022"


def test_money_uses_a_non_breaking_thousands_space(member_client, member):
    build_seed(member)
    assert "7\xa0200,00" in member_client.get(URL).content.decode()


def test_partial_payment_and_advance(member_client, member):
    """Due and advance are per article: an overpaid article does not pay another."""
    plot = seed_plot(269)
    membership = seed_membership([plot])
    target = ArticleFactory(name="Целевой взнос 2022", kind=Article.Kind.TARGET, sort_order=5)
    PaymentFactory(plot=plot, article=membership, amount=Decimal("2000.00"))
    PaymentFactory(plot=plot, article=target, amount=Decimal("1500.50"))
    confirm(member, plot)
    rows = tables(member_client.get(URL).content.decode())["plot-269"]
    assert rows[2] == ["Общая информация", "5", "Да", "Да", "7.2", "5 200,00", "1 500,50"]
    assert ["Членские взносы 2022", "", "", "", "", "5 200,00", "0,00"] in rows
    assert ["Целевой взнос 2022", "", "", "", "", "0,00", "1 500,50"] in rows


def test_no_electrification_and_old_meter_say_no(member_client, member):
    plot = PlotFactory(number=500, electrified=False, has_new_meter=False, area=Decimal("10.00"), street="Лесная")
    seed_membership([plot])
    confirm(member, plot)
    rows = tables(member_client.get(URL).content.decode())["plot-500"]
    assert rows[2][:5] == ["Общая информация", "Лесная", "Нет", "Нет", "10"]


def test_electricity_payments_total_and_last_date(member_client, member):
    plot = seed_plot(269)
    electricity = ArticleFactory(name="Электроэнергия", kind=Article.Kind.ELECTRICITY)
    PaymentFactory(plot=plot, article=electricity, amount=Decimal("4121.45"), paid_on=datetime.date(2022, 6, 3))
    PaymentFactory(plot=plot, article=electricity, amount=Decimal("1000.00"), paid_on=datetime.date(2022, 5, 4))
    confirm(member, plot)
    text = text_of(member_client.get(URL).content.decode())
    assert "Оплачено за электроэнергию всего: 5 121,45 руб., последняя оплата 03.06.2022." in text


def test_no_electricity_payments_said_so(member_client, member):
    build_seed(member)
    assert "Оплат за электроэнергию по участку 269 пока нет." in text_of(member_client.get(URL).content.decode())


def test_feedback_link_goes_to_the_contact_page(member_client, member):
    contact = make_contact(make_home())
    build_seed(member)
    soup = BeautifulSoup(member_client.get(URL).content, "html.parser")
    link = soup.select_one(".cabinet-feedback a")
    assert link.get_text(strip=True) == "формой обратной связи"
    assert link["href"] == contact.url
    assert " ".join(soup.select_one(".cabinet-feedback").get_text(" ").split()) == (
        "Если обнаружили ошибку, пожалуйста, воспользуйтесь формой обратной связи ."
    )


def _bank_settings():
    from wagtail.models import Site

    from home.models import SiteSettings

    make_home()
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.bank_recipient = "СНТ «Тестовое»"
    site_settings.bank_account = "40703810000000000001"
    site_settings.bank_name = "ПАО Тестбанк"
    site_settings.bank_bic = "044525225"
    site_settings.bank_corr_account = "30101810400000000225"
    site_settings.bank_inn = "5012345678"
    site_settings.bank_kpp = "501201001"
    site_settings.save()
    return site_settings


def test_qr_code_for_each_plot_that_owes(member_client, member):
    _bank_settings()
    plots = build_seed(member)
    paid = seed_plot(271)
    article = Article.objects.get(name="Членские взносы 2022")
    seed_membership([paid])
    PaymentFactory(plot=paid, article=article, amount=Decimal("7200.00"))
    confirm(member, paid)
    soup = BeautifulSoup(member_client.get(URL).content, "html.parser")
    figures = soup.select("figure.payment-qr")
    assert [f.find("svg").find("title").get_text() for f in figures] == [
        f"QR-код для оплаты: участок {p.number}" for p in plots
    ]
    assert "участок 269, сумма 7 200,00 руб." in figures[0].figcaption.get_text(" ").replace("\xa0", " ")


def test_no_qr_code_without_bank_details(member_client, member):
    make_home()
    build_seed(member)
    soup = BeautifulSoup(member_client.get(URL).content, "html.parser")
    assert soup.select("table.payment-table")
    assert not soup.select("figure.payment-qr")


def test_no_plots_listed_points_to_the_edit_form(member_client):
    soup = BeautifulSoup(member_client.get(URL).content, "html.parser")
    empty = soup.select_one("p.empty")
    assert "Вы ещё не указали номера ваших участков" in empty.get_text()
    assert empty.a["href"] == reverse("cabinet:edit")
    assert not soup.select("table.payment-table")


def test_pending_claim_is_explained(member_client, member, plot_270):
    confirm(member, plot_270, status=PlotClaim.Status.PENDING)
    text = text_of(member_client.get(URL).content.decode())
    assert "Участок 270 ожидает подтверждения казначеем." in text


def test_pending_claim_beside_a_confirmed_one(member_client, member):
    plots = build_seed(member)
    pending = seed_plot(300)
    confirm(member, pending, status=PlotClaim.Status.PENDING)
    html = member_client.get(URL).content.decode()
    assert set(tables(html)) == {f"plot-{p.number}" for p in plots}
    assert "Участок 300 ожидает подтверждения казначеем; данных по нему пока нет." in text_of(html)


def _member_with_history(make_member, *, username, plots, months):
    from billing.models import Reading

    user = make_member(username=username, email=f"m{username}@example.org")
    created = [seed_plot(int(username) + n) for n in range(plots)]
    seed_membership(created)
    for plot in created:
        meter = plot.meters.get()
        meter.readings.all().delete()
        Reading.objects.bulk_create(
            Reading(meter=meter, taken_on=datetime.date(2017 + n // 12, n % 12 + 1, 1), day=50 * n, night=20 * n)
            for n in range(months + 1)
        )
    confirm(user, *created)
    return user


@pytest.mark.parametrize("url", ["/cabinet/payments/", "/cabinet/electricity/"])
def test_constant_queries_for_1x3_and_5x60(client, make_member, url):
    make_home()
    TariffFactory(valid_from=datetime.date(2010, 1, 1))  # every period has its costs
    small = _member_with_history(make_member, username="100", plots=1, months=3)
    big = _member_with_history(make_member, username="200", plots=5, months=60)
    counts = []
    for user in (small, big):
        client.force_login(user)
        client.get(url)  # warm: site root paths, content types
        bump_generation()  # measure the page as built, not the session's cached copy
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == HTTPStatus.OK
        counts.append(len(queries))
    assert b"204" in response.content  # the big member's fifth plot is on the page
    assert "нет тарифа".encode() not in response.content
    assert counts[0] == counts[1] <= 15, counts


@pytest.mark.parametrize(
    ("value", "rub", "cost", "kwh", "area"),
    [
        (Decimal("7200"), "7\xa0200,00", "7200.00", "7200", "7200"),
        (Decimal("0"), "0,00", "0.00", "0", "0"),
        (Decimal("1234567.891"), "1\xa0234\xa0567,89", "1234567.89", "1234568", "1234567.891"),
        (Decimal("7.20"), "7,20", "7.20", "7", "7.2"),
        (Decimal("10.00"), "10,00", "10.00", "10", "10"),
        (None, "", "", "", ""),
    ],
)
def test_money_filters(value, rub, cost, kwh, area):
    from members.templatetags.money import format_area, format_cost, format_kwh, format_rub

    assert (format_rub(value), format_cost(value), format_kwh(value), format_area(value)) == (rub, cost, kwh, area)


def test_bank_details_as_text_and_the_purpose_under_the_code(member_client, member):
    _bank_settings()
    build_seed(member)
    soup = BeautifulSoup(member_client.get(URL).content, "html.parser")
    purpose = soup.select_one("figure.payment-qr .payment-qr__purpose").get_text(" ", strip=True)
    assert purpose == "Назначение платежа: Участок 269, Членские взносы 2022"
    details = soup.select_one("section.bank-details").get_text(" ", strip=True)
    for text in ("СНТ «Тестовое»", "40703810000000000001", "044525225", "30101810400000000225", "5012345678"):
        assert text in details


def test_several_pending_claims_are_in_the_plural(member_client, member, plot_270):
    confirm(member, plot_270, seed_plot(271), status=PlotClaim.Status.PENDING)
    text = text_of(member_client.get(URL).content.decode())
    assert "Участки 270, 271 ожидают подтверждения казначеем." in text
    assert "Участок 270, 271" not in text


def test_several_pending_claims_beside_a_confirmed_one_are_in_the_plural(member_client, member):
    build_seed(member)
    confirm(member, seed_plot(300), seed_plot(301), status=PlotClaim.Status.PENDING)
    text = text_of(member_client.get(URL).content.decode())
    assert "Участки 300, 301 ожидают подтверждения казначеем; данных по ним пока нет." in text


def test_penalties_are_a_line_of_their_own(member_client, member):
    build_seed(member)  # 7 200,00 due 1 July 2022, unpaid
    PenaltyRule.objects.create(name="Пени", rate=Decimal("0.1"), valid_from=datetime.date(2022, 1, 1), cap="none")
    penalties_accrue(on=datetime.date(2022, 7, 11))  # 10 days × 7,20
    rows = tables(member_client.get(URL).content.decode())["plot-269"]
    assert rows[-1][0] == "Пени" and rows[-1][5] == "72,00"
    assert rows[2][5] == "7 272,00"  # «Общая информация»: the fee and its penalty


def test_the_cabinet_cache_forgets_the_page_when_penalties_are_accrued(member_client, member, settings):
    settings.CABINET_CACHE = True
    build_seed(member)
    PenaltyRule.objects.create(name="Пени", rate=Decimal("0.1"), valid_from=datetime.date(2022, 1, 1), cap="none")
    ArticleFactory(name="Пени", kind=Article.Kind.PENALTY)  # the accrual then writes charges in bulk only
    member_client.get(URL)
    member_client.get(URL)
    assert member_client.get(URL)["X-Cabinet-Cache"] == "hit"
    penalties_accrue(on=datetime.date(2022, 7, 11))
    response = member_client.get(URL)
    assert response["X-Cabinet-Cache"] != "hit"
    assert ["Пени", "", "", "", "", "72,00", "0,00"] in tables(response.content.decode())["plot-269"]
