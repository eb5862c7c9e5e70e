import csv
import datetime
import io
from http import HTTPStatus

import openpyxl
import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from billing.models import Reading, Tariff
from members.views.electricity import period_title
from tests.factories import MeterFactory, PlotFactory, ReadingFactory
from tests.members.cabinet_data import (
    ELECTRICITY_HEADER,
    SEED_ELECTRICITY_ROWS,
    build_seed,
    confirm,
    seed_plot,
    seed_tariff,
    two_decimals,
)

pytestmark = pytest.mark.django_db

URL = "/cabinet/electricity/"


def table(html: str) -> tuple[list[str], list[list[str]]]:
    """The electricity table: its header cells in order, and its body rows as cell texts."""
    soup = BeautifulSoup(html, "html.parser")
    found = soup.select_one("table.electricity-table")
    header = [th.get_text(" ", strip=True) for th in found.thead.find_all("th")]
    body = [
        [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
        for tbody in found.find_all("tbody")
        for row in tbody.find_all("tr")
    ]
    return header, body


def test_url_names():
    assert reverse("cabinet:electricity") == URL
    assert reverse("cabinet:electricity_export", kwargs={"format": "csv"}) == "/cabinet/electricity/export.csv"
    assert reverse("cabinet:electricity_export", kwargs={"format": "xlsx"}) == "/cabinet/electricity/export.xlsx"


def test_period_title_in_the_instructions_words():
    assert period_title(datetime.date(2022, 5, 1), datetime.date(2022, 6, 1)) == "01 Мая 2022 года - 01 Июня 2022 года"
    assert period_title(datetime.date(2021, 12, 1), datetime.date(2022, 1, 1)) == (
        "01 Декабря 2021 года - 01 Января 2022 года"
    )


def test_the_instruction_table_for_plots_269_and_270(member_client, member):
    build_seed(member)
    response = member_client.get(URL)
    assert response.status_code == HTTPStatus.OK
    header, body = table(response.content.decode())
    assert header == ELECTRICITY_HEADER
    assert body == [two_decimals(row) for row in SEED_ELECTRICITY_ROWS]


def test_golden_numbers_appear_as_the_sms_writes_them(member_client, member):
    build_seed(member)
    _, body = table(member_client.get(URL).content.decode())
    may_269 = body[1]
    assert may_269[9] == "737"
    assert may_269[10:] == ["4370.41", "3546.40", "575.05", "4121.45"]
    assert body[2][10:] == ["11.86", "13.64", "0.00", "13.64"]


def test_period_row_spans_the_whole_table(member_client, member):
    build_seed(member)
    soup = BeautifulSoup(member_client.get(URL).content, "html.parser")
    period = soup.select_one("tr.period th")
    assert period["colspan"] == str(len(two_decimals(SEED_ELECTRICITY_ROWS[1])))


def test_a_period_without_a_tariff_says_so(member_client, member):
    """No tariff in force on 01.05.2022: the cost is unknown, not zero."""
    build_seed(member)
    Tariff.objects.all().delete()
    Tariff.objects.create(
        valid_from=datetime.date(2022, 5, 15), single_rate="5.93", day_rate="6.82", night_rate="2.65"
    )
    _, body = table(member_client.get(URL).content.decode())
    assert body[1] == two_decimals(SEED_ELECTRICITY_ROWS[1])  # 01.06 is covered by the new tariff
    assert body[4] == [*SEED_ELECTRICITY_ROWS[4][:10], "нет тарифа"]
    assert body[5] == [*SEED_ELECTRICITY_ROWS[5][:10], "нет тарифа"]


def test_chart_per_plot_with_an_accessible_title(member_client, member):
    build_seed(member)
    soup = BeautifulSoup(member_client.get(URL).content, "html.parser")
    charts = soup.select("svg.consumption-chart")
    assert [c.find("title").get_text() for c in charts] == [
        "Расход электроэнергии по месяцам, участок 269",
        "Расход электроэнергии по месяцам, участок 270",
    ]
    assert all(c["role"] == "img" and c["aria-labelledby"] for c in charts)
    bars = [g.title.get_text() for g in charts[0].find_all("g")]
    assert bars == [
        "01.04.2022 – 01.05.2022: 0 кВт*ч (день 0, ночь 0)",
        "01.05.2022 – 01.06.2022: 737 кВт*ч (день 520, ночь 217)",
    ]
    heights = [float(r["height"]) for r in charts[0].find_all("rect")]
    assert heights[2] > heights[3] > 0  # May: day 520 above night 217, April flat
    assert heights[0] == heights[1] == 0


def test_no_readings_yet_says_when_they_come(member_client, member):
    plot = PlotFactory(number=600)
    confirm(member, plot)
    soup = BeautifulSoup(member_client.get(URL).content, "html.parser")
    assert "Показаний по вашим участкам ещё нет" in soup.select_one("p.empty").get_text()
    assert not soup.select("table.electricity-table")


def test_no_plots_listed_points_to_the_edit_form(member_client):
    soup = BeautifulSoup(member_client.get(URL).content, "html.parser")
    assert soup.select_one("p.empty a")["href"] == reverse("cabinet:edit")


def test_a_single_zone_meter_owes_the_single_rate(member_client, member):
    seed_tariff()
    plot = PlotFactory(number=700)
    meter = MeterFactory(plot=plot, kind="single")
    ReadingFactory(meter=meter, taken_on=datetime.date(2022, 5, 1), day=1000, night=0)
    ReadingFactory(meter=meter, taken_on=datetime.date(2022, 6, 1), day=1100, night=0)
    confirm(member, plot)
    _, body = table(member_client.get(URL).content.decode())
    assert body == [
        ["01 Мая 2022 года - 01 Июня 2022 года"],
        ["700", "1000", "0", "1000", "1100", "0", "1100", "100", "0", "100", "593.00", "682.00", "0.00", "682.00"],
    ]


def _csv_rows(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


def test_csv_export_of_the_members_readings(member_client, member):
    build_seed(member)
    response = member_client.get("/cabinet/electricity/export.csv")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv_rows(response.content)
    assert rows[0] == ["Участок", "Дата", "День", "Ночь", "Счетчик", "Показание"]
    serials = {r.meter.plot.number: r.meter.serial for r in Reading.objects.select_related("meter__plot")}
    assert [row[:4] for row in rows[1:]] == [
        ["269", "01.04.2022", "9012", "2901"],
        ["269", "01.05.2022", "9012", "2901"],
        ["269", "01.06.2022", "9532", "3118"],
        ["270", "01.04.2022", "344", "244"],
        ["270", "01.05.2022", "344", "244"],
        ["270", "01.06.2022", "346", "244"],
    ]
    assert [row[4] for row in rows[1:]] == [serials[269]] * 3 + [serials[270]] * 3
    assert {row[5] for row in rows[1:]} == {""}  # all from the file


def test_the_export_marks_estimates_and_the_members_own_readings(member_client, member):
    build_seed(member)
    Reading.objects.filter(meter__plot__number=269, taken_on=datetime.date(2022, 6, 1)).update(source="estimate")
    Reading.objects.filter(meter__plot__number=270, taken_on=datetime.date(2022, 6, 1)).update(source="member")
    rows = _csv_rows(member_client.get("/cabinet/electricity/export.csv").content)
    assert [(row[0], row[1], row[5]) for row in rows[1:] if row[1] == "01.06.2022"] == [
        ("269", "01.06.2022", "расчётное"),
        ("270", "01.06.2022", "передано садоводом"),
    ]


def test_xlsx_export_keeps_numbers_and_dates_typed(member_client, member):
    build_seed(member)
    response = member_client.get("/cabinet/electricity/export.xlsx")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Участок", "Дата", "День", "Ночь", "Счетчик", "Показание")
    assert rows[3][:4] == (269, datetime.datetime(2022, 6, 1), 9532, 3118)
    assert len(rows) == 7


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_neutralise_formulas(member_client, member, fmt):
    plot = seed_plot(269)
    meter = plot.meters.get()
    meter.serial = '=HYPERLINK("http://evil.example")'
    meter.save()
    confirm(member, plot)
    content = member_client.get(f"/cabinet/electricity/export.{fmt}").content
    if fmt == "csv":
        cells = {row[4] for row in _csv_rows(content)[1:]}
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        cells = {row[4] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert cells == {'\'=HYPERLINK("http://evil.example")'}


def test_unknown_export_format_is_404(member_client, member):
    build_seed(member)
    assert member_client.get("/cabinet/electricity/export.json").status_code == HTTPStatus.NOT_FOUND


def test_chart_labels_every_month_in_a_readable_size(member_client, member):
    build_seed(member)
    soup = BeautifulSoup(member_client.get(URL).content, "html.parser")
    chart = soup.select_one("svg.consumption-chart")
    texts = [t.get_text() for t in chart.find_all("text")]
    assert texts[2:] == ["апр", "2022", "май"]  # after the axis: each month, the year under the first
    assert min(int(t["font-size"]) for t in chart.find_all("text")) >= 12
    scroll_box = chart.parent
    assert scroll_box["tabindex"] == "0" and "chart-scroll" in scroll_box["class"]


def test_a_qr_code_for_each_plots_newest_electricity_bill(member_client, member):
    from tests.members.test_payments import _bank_settings

    _bank_settings()
    build_seed(member)
    soup = BeautifulSoup(member_client.get(URL).content, "html.parser")
    section = soup.select_one("section.electricity-pay")
    captions = [
        f.figcaption.get_text(" ", strip=True).replace("\xa0", " ") for f in section.select("figure.payment-qr")
    ]
    assert len(captions) == 2
    assert "участок 269, сумма 4 121,45 руб." in captions[0]
    assert "Участок 269, электроэнергия 01.05.2022–01.06.2022, Т1 9532, Т2 3118" in captions[0]
    assert "участок 270, сумма 13,64 руб." in captions[1]
    assert "40703810000000000001" in section.select_one("section.bank-details").get_text()


def test_no_electricity_code_without_bank_details(member_client, member):
    build_seed(member)
    soup = BeautifulSoup(member_client.get(URL).content, "html.parser")
    assert soup.select("table.electricity-table")
    assert not soup.select("section.electricity-pay")
