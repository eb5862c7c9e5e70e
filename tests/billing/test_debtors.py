"""«Должники»: the overdue amounts of a hand-built history to the kopeck, the filters and their bad
input, who may open the page, the XLSX read back, and a fixed number of queries for 3 and 30 plots."""

import datetime
import io
import random
from decimal import Decimal
from http import HTTPStatus
from itertools import accumulate

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from billing.debtor_views import ROWS_PER_PAGE
from billing.models import Article, Charge, Payment
from billing.services.debts.debtors import BY_NUMBER, DebtorsQuery, debtors, with_last_payments
from billing.services.debts.items import ELECTRICITY
from billing.services.debts.loading import load_debts
from tests.factories import (
    ArticleFactory,
    ChargeFactory,
    MeterFactory,
    PaymentFactory,
    PlotFactory,
    ReadingFactory,
    TariffFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
URL = "/admin/billing/debtors/"
ON = D(2022, 8, 1)
EVIL_OWNER = '=HYPERLINK("http://evil.example/","Иванов")'


@pytest.fixture
def history():
    """On 1 August 2022:
    - 269: membership 7 200,00 due 1 July, 3 000,00 paid 10 June and 200,00 on 20 June → 4 000,00
      late 31 days; the May electricity 4 121,45 due 5 June, 1 000,00 paid 20 June → 3 121,45 late
      57 days; the target fee 1 500,00 due 1 September is not late yet. Last payment: 20 June, 1 200,00.
    - 270 (an owner's name that is a formula): «Вывоз мусора» 500,00 charged 1 May, due 30 days
      later (31 May) → 500,00 late 62 days, nothing ever paid.
    - 271: paid its 7 200,00 in time → no debtor.
    - 272: paid its 7 200,00 on 15 August → late 31 days on 1 August, no debtor on 20 August."""
    membership = ArticleFactory(name="Членские взносы 2022", kind=Article.Kind.MEMBERSHIP, year=2022, sort_order=1)
    target = ArticleFactory(
        name="Целевой взнос 2022", kind=Article.Kind.TARGET, year=2022, due_on=D(2022, 9, 1), sort_order=2
    )
    garbage = ArticleFactory(name="Вывоз мусора", kind=Article.Kind.OTHER, sort_order=3)
    power = ArticleFactory(name="Электроэнергия", kind=Article.Kind.ELECTRICITY, sort_order=0)
    TariffFactory()

    plot = PlotFactory(number=269, owner_name="Иванов Иван Иванович")
    ChargeFactory(plot=plot, article=membership, amount=Decimal("7200.00"), accrued_on=D(2022, 1, 1))
    ChargeFactory(plot=plot, article=target, amount=Decimal("1500.00"), accrued_on=D(2022, 1, 1))
    PaymentFactory(plot=plot, article=membership, amount=Decimal("3000.00"), paid_on=D(2022, 6, 10))
    PaymentFactory(plot=plot, article=membership, amount=Decimal("200.00"), paid_on=D(2022, 6, 20))
    PaymentFactory(plot=plot, article=power, amount=Decimal("1000.00"), paid_on=D(2022, 6, 20))
    meter = MeterFactory(plot=plot)
    ReadingFactory(meter=meter, taken_on=D(2022, 5, 1), day=9012, night=2901)
    ReadingFactory(meter=meter, taken_on=D(2022, 6, 1), day=9532, night=3118)

    other = PlotFactory(number=270, owner_name=EVIL_OWNER)
    ChargeFactory(plot=other, article=garbage, amount=Decimal("500.00"), accrued_on=D(2022, 5, 1))

    paid = PlotFactory(number=271, owner_name="Петров")
    ChargeFactory(plot=paid, article=membership, amount=Decimal("7200.00"), accrued_on=D(2022, 1, 1))
    PaymentFactory(plot=paid, article=membership, amount=Decimal("7200.00"), paid_on=D(2022, 6, 30))

    late = PlotFactory(number=272, owner_name="Сидорова")
    ChargeFactory(plot=late, article=membership, amount=Decimal("7200.00"), accrued_on=D(2022, 1, 1))
    PaymentFactory(plot=late, article=membership, amount=Decimal("7200.00"), paid_on=D(2022, 8, 15))
    PlotFactory(number=273)  # nothing charged
    return {"membership": membership, "target": target, "garbage": garbage, "power": power}


def lines(report) -> list[tuple]:
    return [(r.number, r.article, r.overdue, r.days, r.since, r.plot_total) for r in report.rows]


def test_amounts_to_the_kopeck_largest_plot_first(history):
    report = debtors(DebtorsQuery(on=ON))
    assert lines(report) == [
        (272, "Членские взносы 2022", Decimal("7200.00"), 31, D(2022, 7, 2), Decimal("7200.00")),
        (269, "Членские взносы 2022", Decimal("4000.00"), 31, D(2022, 7, 2), Decimal("7121.45")),
        (269, "Электроэнергия", Decimal("3121.45"), 57, D(2022, 6, 6), Decimal("7121.45")),
        (270, "Вывоз мусора", Decimal("500.00"), 62, D(2022, 6, 1), Decimal("500.00")),
    ]
    assert report.total == Decimal("14821.45") and report.plots == 3
    assert [r.first_of_plot for r in report.rows] == [True, True, False, True]
    assert report.rows[1].last_paid_on is None  # the report's rows; the page adds the last payments
    rows = with_last_payments(report.rows, ON)
    ivanov = rows[1]
    assert (ivanov.owner, ivanov.last_paid_on, ivanov.last_paid) == (
        "Иванов Иван Иванович",
        D(2022, 6, 20),
        Decimal("1200.00"),
    )
    assert (rows[3].last_paid_on, rows[3].last_paid) == (None, None)
    assert rows[0].last_paid_on is None  # the 15 August payment is after the date


def test_later_dates_count_later_payments_and_new_due_dates(history):
    report = debtors(DebtorsQuery(on=D(2022, 9, 10), order=BY_NUMBER))
    assert [(r.number, r.article, r.overdue, r.days) for r in report.rows] == [
        (269, "Электроэнергия", Decimal("3121.45"), 97),
        (269, "Членские взносы 2022", Decimal("4000.00"), 71),
        (269, "Целевой взнос 2022", Decimal("1500.00"), 9),
        (270, "Вывоз мусора", Decimal("500.00"), 102),
    ]
    assert with_last_payments(report.rows, D(2022, 9, 10))[0].last_paid_on == D(2022, 6, 20)
    # the due day itself is not late; the day after is the first day
    assert debtors(DebtorsQuery(on=D(2022, 7, 1))).total == Decimal("3121.45") + Decimal("500.00")
    assert [r.days for r in debtors(DebtorsQuery(on=D(2022, 7, 2), account=history["membership"].pk)).rows] == [1, 1]


def test_filters_by_article_amount_and_days(history):
    by_power = debtors(DebtorsQuery(on=ON, account=ELECTRICITY))
    assert [(r.number, r.overdue, r.plot_total) for r in by_power.rows] == [
        (269, Decimal("3121.45"), Decimal("3121.45"))
    ]
    by_fee = debtors(DebtorsQuery(on=ON, account=history["membership"].pk))
    assert [r.number for r in by_fee.rows] == [272, 269] and by_fee.total == Decimal("11200.00")
    assert [r.number for r in debtors(DebtorsQuery(on=ON, min_amount=Decimal("5000"))).rows] == [272]
    assert [r.number for r in debtors(DebtorsQuery(on=ON, min_amount=Decimal("4000.00"))).rows] == [272, 269]
    assert [(r.number, r.days) for r in debtors(DebtorsQuery(on=ON, min_days=40)).rows] == [(269, 57), (270, 62)]
    assert list(debtors(DebtorsQuery(on=ON, account=history["target"].pk)).rows) == []


def test_the_page_shows_rows_totals_and_the_act_links(treasurer_client, history):
    assert reverse("billing_debtors") == URL
    response = treasurer_client.get(URL, {"on": "01.08.2022"})
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "data-debtors-total" in html and "14\u00a0821,45 ₽" in html
    assert "7\u00a0121,45" in html and "3\u00a0121,45" in html and "20.06.2022, 1\u00a0200,00 ₽" in html
    act = reverse("billing_reconciliation", kwargs={"number": 269})
    assert f'href="{act}?to=2022-08-01"' in html
    assert "&lt;" not in EVIL_OWNER and "=HYPERLINK(&quot;http://evil.example/&quot;" in html  # escaped text
    assert "Скачать XLSX" in html
    follow = treasurer_client.get(f"{act}?to=2022-08-01")
    assert follow.status_code == HTTPStatus.OK and follow["Content-Type"] == "application/pdf"


def test_the_page_filters_and_the_empty_state(treasurer_client, history):
    html = treasurer_client.get(URL, {"on": "2022-08-01", "article": ELECTRICITY}).content.decode()
    assert '<option value="electricity" selected>Электроэнергия по показаниям</option>' in html
    assert f'<option value="{history["power"].pk}">Электроэнергия (начисления)</option>' in html
    assert 'data-plot="269"' in html and 'data-plot="270"' not in html
    html = treasurer_client.get(URL, {"on": "2022-08-01", "min_amount": "1 000,50", "min_days": "60"}).content.decode()
    assert "Должников с такими условиями нет" in html
    html = treasurer_client.get(URL, {"on": "2022-05-31"}).content.decode()  # the due day of 270
    assert "Должников нет: на 31.05.2022" in html and "data-debtors " not in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"on": "32.13.2022"}, "Введите дату в виде ДД.ММ.ГГГГ"),
        ({"on": "\u0662\u0660\u0662\u0662-07-01"}, "обычными цифрами 0–9"),
        ({"on": "01.01.2999"}, "Дата ещё не наступила"),
        ({"on": "01.01.1990"}, "не раньше 01.01.2000"),
        ({"article": "999999"}, "Выберите статью из списка."),
        ({"article": "1' OR 1=1"}, "Выберите статью из списка."),
        ({"min_amount": "-5"}, "Введите сумму в рублях"),
        ({"min_amount": "NaN"}, "Введите сумму в рублях"),
        ({"min_amount": "1e9999"}, "Введите сумму в рублях"),
        ({"min_amount": "1" * 30}, "Слишком большая сумма"),
        ({"min_amount": "\uff11\uff10\uff10"}, "обычными цифрами 0–9"),
        ({"min_days": "²"}, "обычными цифрами 0–9"),
        ({"min_days": "7.5"}, "Введите целое число дней"),
        ({"min_days": "9" * 40}, "Не больше 36\u00a0500 дней."),
        ({"min_days": "36501"}, "Не больше 36\u00a0500 дней."),
        ({"min_amount": "1" * 100_000}, "Слишком большая сумма"),
        ({"order": "pk; drop"}, "Выберите порядок из списка."),
    ],
)
def test_bad_filters_are_answered_in_russian(treasurer_client, history, params, message):
    response = treasurer_client.get(URL, params)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert message in html and "data-debtors" not in html.replace("data-debtors-filters", "")
    xlsx = treasurer_client.get(URL, {**params, "format": "xlsx"})
    assert xlsx.status_code == HTTPStatus.BAD_REQUEST and xlsx["Content-Type"].startswith("text/html")


def test_the_first_page_shows_fifty_rows_and_links_on(treasurer_client, history):
    article = history["garbage"]
    for number in range(1000, 1120):
        ChargeFactory(
            plot=PlotFactory(number=number), article=article, amount=Decimal("10.00"), accrued_on=D(2022, 1, 1)
        )
    html = treasurer_client.get(URL, {"on": "2022-08-01", "order": BY_NUMBER}).content.decode()
    assert html.count("<tr data-plot=") == 50 and "Строки 1–50 из 124." in html
    assert "p=2" in html and "order=number" in html
    second = treasurer_client.get(URL, {"on": "2022-08-01", "order": BY_NUMBER, "p": "3"}).content.decode()
    assert second.count("<tr data-plot=") == 24 and 'data-plot="1119"' in second
    assert "Строки 101–124 из 124." in second and "14\u00a0821,45 ₽" not in second  # the total of every row
    for beyond in ("99999999999999999999", "4", "0", "-2"):  # as Paginator.get_page: the last page
        last = treasurer_client.get(URL, {"on": "2022-08-01", "order": BY_NUMBER, "p": beyond})
        assert last.status_code == HTTPStatus.OK and "Строки 101–124 из 124." in last.content.decode()
    for junk in ("abc", "1.5", ""):
        first = treasurer_client.get(URL, {"on": "2022-08-01", "order": BY_NUMBER, "p": junk}).content.decode()
        assert "Строки 1–50 из 124." in first and 'data-plot="269"' in first


def test_an_account_of_several_charges_partly_paid_is_late_since_its_oldest_unpaid(history):
    """«Вывоз мусора» charged monthly: the payments lay on the oldest charge first."""
    garbage, plot = history["garbage"], PlotFactory(number=300, owner_name="Кузнецов")
    for month in (3, 4, 5):
        ChargeFactory(plot=plot, article=garbage, amount=Decimal("500.00"), accrued_on=D(2022, month, 1))
    ChargeFactory(plot=plot, article=garbage, amount=Decimal("-100.00"), accrued_on=D(2022, 3, 15))  # a correction
    ChargeFactory(plot=plot, article=garbage, amount=Decimal("0.00"), accrued_on=D(2022, 3, 20))
    PaymentFactory(plot=plot, article=garbage, amount=Decimal("300.00"), paid_on=D(2022, 4, 1))
    PaymentFactory(plot=plot, article=garbage, amount=Decimal("400.00"), paid_on=D(2022, 7, 1))

    def row(on):
        found = [r for r in debtors(DebtorsQuery(on=on, account=garbage.pk)).rows if r.number == 300]
        return (found[0].overdue, found[0].since, found[0].days) if found else None

    # 1 400,00 due by 31 May (the 15 March correction due 14 April), 300,00 paid: March's unpaid
    assert row(D(2022, 6, 1)) == (Decimal("1100.00"), D(2022, 4, 1), 62)
    # 700,00 paid: March's 500 paid, April's 200 of 500 → April's, due 31 May
    assert row(D(2022, 7, 2)) == (Decimal("700.00"), D(2022, 5, 2), 62)
    assert debtors(DebtorsQuery(on=D(2022, 7, 2), account=garbage.pk, min_days=63)).rows == [
        r for r in debtors(DebtorsQuery(on=D(2022, 7, 2), account=garbage.pk)).rows if r.days >= 63
    ]
    PaymentFactory(plot=plot, article=garbage, amount=Decimal("700.00"), paid_on=D(2022, 7, 2))
    assert row(D(2022, 7, 2)) is None


def test_a_thousand_kopeck_amounts_sum_to_the_exact_decimal(history):
    """1 000 charges of 0,10 a day and 500 payments of 0,10 and 0,20: summed as integer kopecks,
    not as floats (0,10 has no exact binary value), the debt and its oldest unpaid are exact."""
    garbage, plot = history["garbage"], PlotFactory(number=301, owner_name="Копейкин")
    first = D(2019, 1, 1)
    Charge.objects.bulk_create(
        Charge(plot=plot, article=garbage, amount=Decimal("0.10"), accrued_on=first + datetime.timedelta(days=n))
        for n in range(1000)
    )
    Payment.objects.bulk_create(
        Payment(plot=plot, article=garbage, amount=Decimal("0.10") * (1 + n % 2), paid_on=first)  # 0,10 or 0,20
        for n in range(500)  # 250 × 0,10 + 250 × 0,20 = 75,00: the first 750 charges
    )
    report = debtors(DebtorsQuery(on=ON, account=garbage.pk, order=BY_NUMBER))
    row = next(r for r in report.rows if r.number == 301)
    assert (row.overdue, row.plot_total) == (Decimal("25.00"), Decimal("25.00"))
    # the 751st charge, due 30 days after it was charged: late from the day after
    assert row.since == first + datetime.timedelta(days=750 + 31)
    assert report.total == Decimal("525.00")  # plot 270's 500,00 and these 25,00
    assert [r.number for r in debtors(DebtorsQuery(on=ON, account=garbage.pk, min_amount=Decimal("25.00"))).rows] == [
        270,
        301,
    ]
    assert [r.number for r in debtors(DebtorsQuery(on=ON, min_amount=Decimal("25.01"), account=garbage.pk)).rows] == [
        270
    ]
    account = load_debts()[plot.pk].accounts[garbage.pk]
    assert (account.overdue(ON), account.overdue_since(ON)) == (row.overdue, row.since)


def test_amounts_of_the_columns_largest_size_sum_exactly(history):
    """Amounts of 12 digits (the column's largest): three charges of 9 999 999 999,99, a credit of
    0,01 and two payments: the debt of 14 digits, the total and the threshold to the kopeck."""
    garbage, plot = history["garbage"], PlotFactory(number=302, owner_name="Миллиардов")
    largest = Decimal("9999999999.99")
    for month in (1, 2, 3):
        ChargeFactory(plot=plot, article=garbage, amount=largest, accrued_on=D(2022, month, 1))
    ChargeFactory(plot=plot, article=garbage, amount=Decimal("-0.01"), accrued_on=D(2022, 3, 2))
    PaymentFactory(plot=plot, article=garbage, amount=largest - Decimal("0.01"), paid_on=D(2022, 2, 1))
    PaymentFactory(plot=plot, article=garbage, amount=Decimal("0.01"), paid_on=D(2022, 2, 2))
    report = debtors(DebtorsQuery(on=ON, account=garbage.pk))
    assert [(r.number, r.overdue, r.since, r.plot_total) for r in report.rows] == [
        (302, Decimal("19999999999.97"), D(2022, 3, 4), Decimal("19999999999.97")),
        (270, Decimal("500.00"), D(2022, 6, 1), Decimal("500.00")),
    ]
    assert report.total == Decimal("20000000499.97") and report.plots == 2
    assert debtors(DebtorsQuery(on=ON, min_amount=Decimal("19999999999.97"))).total == Decimal("19999999999.97")
    assert debtors(DebtorsQuery(on=ON, min_amount=Decimal("19999999999.98"))).rows == []
    account = load_debts()[plot.pk].accounts[garbage.pk]
    assert (account.overdue(ON), account.overdue_since(ON)) == (Decimal("19999999999.97"), D(2022, 3, 4))


def test_a_thousand_amounts_of_12_digits_that_floats_sum_a_kopeck_off(history):
    """Summed one after the other as floats (53 bits: about 0,002 ₽ apart at 9,5 trillion), these
    thousand amounts come to 9 491 387 102 686,34 (rounded): a kopeck more than they are."""
    garbage, plot, rng = history["garbage"], PlotFactory(number=303, owner_name="Миллиардов"), random.Random(2)
    amounts = [Decimal(rng.randint(900_000_000_000, 999_999_999_999)).scaleb(-2) for _ in range(1000)]
    assert (
        sum(amounts) == Decimal("9491387102686.33")
        and round([*accumulate(map(float, amounts))][-1], 2) == 9491387102686.34
    )
    Charge.objects.bulk_create(
        Charge(plot=plot, article=garbage, amount=amount, accrued_on=D(2019, 1, 1) + datetime.timedelta(days=n))
        for n, amount in enumerate(amounts)
    )
    report = debtors(DebtorsQuery(on=ON, account=garbage.pk))
    assert [(r.number, r.overdue) for r in report.rows] == [
        (303, Decimal("9491387102686.33")),
        (270, Decimal("500.00")),
    ]
    assert report.total == Decimal("9491387103186.33")


def test_xlsx_has_numbers_dates_and_safe_text(treasurer_client, history):
    response = treasurer_client.get(URL, {"on": "2022-08-01", "format": "xlsx"})
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Disposition"] == 'attachment; filename="dolzhniki-2022-08-01.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Участок", "Владелец", "Статья", "Просрочено, ₽")
    assert rows[2] == (
        269,
        "Иванов Иван Иванович",
        "Членские взносы 2022",
        4000,
        datetime.datetime(2022, 7, 2),
        31,
        datetime.datetime(2022, 6, 20),
        1200,
        7121.45,
    )
    assert rows[3][3] == 3121.45 and sheet["D4"].data_type == "n" and sheet["D4"].number_format == "#,##0.00"
    assert sheet["E3"].is_date and sheet["E3"].number_format == "DD.MM.YYYY"
    evil = sheet["B5"]
    assert evil.value == "'" + EVIL_OWNER and evil.data_type == "s"
    assert rows[-1][0] == "Итого: участков 3" and rows[-1][3] == 14821.45
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_member_editor_and_anonymous_are_refused(client, member, editor, history):
    anonymous = client.get(URL)
    assert anonymous.status_code == HTTPStatus.FOUND and "/login/" in anonymous["Location"]
    for user in (member, editor):
        other = Client()
        other.force_login(user)
        for params in ({}, {"format": "xlsx"}):
            response = other.get(URL, params)
            assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
            assert "Иванов" not in response.content.decode()
    assert Client().get(URL, {"format": "xlsx"})["Content-Type"].startswith("text/html")


def build_plots(count: int, start: int) -> None:
    """`count` plots, each with a fee partly paid, an electricity period and a payment for it."""
    membership = Article.objects.get_or_create(name="Членские взносы 2022", kind=Article.Kind.MEMBERSHIP, year=2022)[0]
    power = Article.objects.get_or_create(name="Электроэнергия", kind=Article.Kind.ELECTRICITY)[0]
    for number in range(start, start + count):
        plot = PlotFactory(number=number, owner_name=f"Владелец {number}")
        ChargeFactory(plot=plot, article=membership, amount=Decimal("7200.00"), accrued_on=D(2022, 1, 1))
        PaymentFactory(plot=plot, article=membership, amount=Decimal("100.00"), paid_on=D(2022, 3, 1))
        PaymentFactory(plot=plot, article=power, amount=Decimal("10.00"), paid_on=D(2022, 6, 20))
        meter = MeterFactory(plot=plot)
        ReadingFactory(meter=meter, taken_on=D(2022, 5, 1), day=100, night=10)
        ReadingFactory(meter=meter, taken_on=D(2022, 6, 1), day=200 + number, night=20)


SELECTOR_QUERIES = 7  # due settings, metered plots, meters, readings, tariffs, electricity payments, ranked rows
PAGE_QUERIES = 19  # the admin's own (session, user, permissions, locale…), the report's 8, last payments
XLSX_QUERIES = 14  # the file: no admin page around it


@pytest.mark.parametrize("count", [3, 30])
def test_a_fixed_number_of_queries_whatever_the_number_of_plots(treasurer_client, django_assert_num_queries, count):
    TariffFactory()
    build_plots(count, 100)
    with django_assert_num_queries(SELECTOR_QUERIES + 1):  # + articles, as the page passes them in
        report = debtors(DebtorsQuery(on=ON))
    assert report.plots == count and len(report.rows) == 2 * count
    with django_assert_num_queries(SELECTOR_QUERIES + 1):  # a page: the same queries
        page = debtors(DebtorsQuery(on=ON), page=2, per_page=4)
    assert page.rows == report.rows[4:8] and (page.count, page.start, page.total) == (2 * count, 4, report.total)
    with django_assert_num_queries(1):
        assert all(row.last_paid_on == D(2022, 6, 20) for row in with_last_payments(report.rows, ON))
    treasurer_client.get(URL)  # the session and the user are cached from here on
    with django_assert_num_queries(PAGE_QUERIES):
        response = treasurer_client.get(URL, {"on": "2022-08-01"})
    assert response.content.decode().count("<tr data-plot=") == min(2 * count, ROWS_PER_PAGE)
    with django_assert_num_queries(XLSX_QUERIES):
        xlsx = treasurer_client.get(URL, {"on": "2022-08-01", "format": "xlsx"})
    assert openpyxl.load_workbook(io.BytesIO(xlsx.content)).active.max_row == 2 * count + 2


def random_history(seed: int) -> None:
    """Plots with every kind of article, charges and payments at random dates, negative and zero
    charges (corrections), payments beyond the debt, electricity both by readings and by charges."""
    rng = random.Random(seed)
    TariffFactory(valid_from=D(2020, 1, 1))
    articles = [
        ArticleFactory(name="Членские 2021", kind=Article.Kind.MEMBERSHIP, year=2021),
        ArticleFactory(name="Членские 2022", kind=Article.Kind.MEMBERSHIP, year=2022),
        ArticleFactory(name="Целевой", kind=Article.Kind.TARGET, year=2022, due_on=D(2022, 3, 15)),
        ArticleFactory(name="Целевой без года", kind=Article.Kind.TARGET),
        ArticleFactory(name="Прочее", kind=Article.Kind.OTHER),
        ArticleFactory(name="Пени", kind=Article.Kind.PENALTY),
    ]
    power = ArticleFactory(name="Электроэнергия", kind=Article.Kind.ELECTRICITY)
    days = [D(2021, 1, 1) + datetime.timedelta(days=n) for n in range(0, 730, 7)]
    for number in range(1, 26):
        plot = PlotFactory(number=number)
        charged = set()
        for _ in range(rng.randint(0, 8)):
            amount = Decimal(rng.choice([rng.randint(1, 900000), 0, -rng.randint(1, 50000)])) / 100
            article = rng.choice([*articles, power] if number % 5 == 0 else articles)
            day = rng.choice(days)
            if (article.pk, day) not in charged:  # one charge of an article a day
                charged.add((article.pk, day))
                ChargeFactory(plot=plot, article=article, amount=amount, accrued_on=day)
        for _ in range(rng.randint(0, 8)):
            amount = Decimal(rng.randint(1, 600000)) / 100
            PaymentFactory(plot=plot, article=rng.choice([*articles, power]), amount=amount, paid_on=rng.choice(days))
        if number % 3 == 0:
            meter = MeterFactory(plot=plot)
            for month in range(rng.randint(2, 6)):
                ReadingFactory(meter=meter, taken_on=D(2022, month + 1, 1), day=100 * month + number, night=10 * month)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_database_arithmetic_is_the_cabinets(seed):
    """The report's query gives what `Account.overdue` and `overdue_since` give, item by item."""
    random_history(seed)
    debts, checked = load_debts(), set()
    for on in (D(2021, 6, 1), D(2022, 1, 1), D(2022, 7, 2), D(2022, 12, 31), D(2023, 6, 1)):
        expected = {
            (plot_id, key): (account.overdue(on), account.overdue_since(on))
            for plot_id, plot in debts.items()
            for key, account in plot.accounts.items()
            if account.overdue(on) > 0
        }
        report = debtors(DebtorsQuery(on=on))
        assert {(r.plot_id, r.account): (r.overdue, r.since) for r in report.rows} == expected
        checked |= {key for _, key in expected}
    power = Article.objects.get(name="Электроэнергия").pk
    assert {ELECTRICITY, power} <= checked and len(checked) >= 6  # periods by readings, and charges of the article


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_pages_put_together_are_the_whole_report(seed):
    """The database picks a page's rows: page after page, every size, order and filter, they are
    the whole report's rows, with its totals; a plot cut by a page goes on, not repeated."""
    random_history(seed)
    power = Article.objects.get(name="Электроэнергия").pk
    queries = [
        DebtorsQuery(on=D(2022, 12, 31)),
        DebtorsQuery(on=D(2022, 12, 31), order=BY_NUMBER),
        DebtorsQuery(on=D(2023, 6, 1), min_amount=Decimal("100.01"), min_days=30),
        DebtorsQuery(on=D(2023, 6, 1), account=ELECTRICITY),
        DebtorsQuery(on=D(2023, 6, 1), account=power, order=BY_NUMBER),
    ]
    for query in queries:
        whole = debtors(query)
        assert whole.count == len(whole.rows) and whole.start == 0
        for size in (1, 3, 7):
            numbers = range(1, max(-(-len(whole.rows) // size), 1) + 1)
            pages = [debtors(query, page=number, per_page=size) for number in numbers]
            assert [row for page in pages for row in page.rows] == whole.rows
            assert {(page.total, page.plots, page.count) for page in pages} == {
                (whole.total, whole.plots, whole.count)
            }
            for beyond in (0, -1, len(numbers) + 1, 10**30):
                assert debtors(query, page=beyond, per_page=size).rows == pages[-1].rows
