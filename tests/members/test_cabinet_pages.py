"""The cabinet's money pages are read models rendered by templates: ready rows, no markup in views."""

import dataclasses
import datetime
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup

from billing.selectors import ElectricityLine
from billing.services.electricity import PeriodCost, PlotPeriod
from members.cabinet_pages import ElectricityRow, electricity_page
from members.templatetags.electricity_table import electricity_rows as rows_tag
from tests.members.cabinet_data import build_seed

pytestmark = pytest.mark.django_db

URL = "/cabinet/electricity/"
READING_LABELS = [
    "Начало, день",
    "Начало, ночь",
    "Начало, сумма",
    "Конец, день",
    "Конец, ночь",
    "Конец, сумма",
    "Расход, день",
    "Расход, ночь",
    "Расход, всего",
]
COSTS = [
    ("cost--single", "К оплате (однотарифный)"),
    ("cost--day", "Двухтарифный: день"),
    ("cost--night", "Двухтарифный: ночь"),
    ("cost--total", "К оплате (двухтарифный)"),
]


GOLDEN_COST = PeriodCost(Decimal("4370.41"), Decimal("3546.40"), Decimal("575.05"))


def _line(*, plot_number=269, day=520, cost=GOLDEN_COST):
    period = PlotPeriod(
        plot_id=1,
        start=datetime.date(2022, 5, 1),
        end=datetime.date(2022, 6, 1),
        start_day=9012,
        start_night=2901,
        end_day=9012 + day,
        end_night=3118,
        day=day,
        night=217,
        single_meter_kwh=0,
        two_zone_day_kwh=day,
        two_zone_night_kwh=217,
        two_zone=True,
    )
    return ElectricityLine(1, plot_number, period, cost=cost, owed=None if cost is None else cost.two_zone)


def test_the_table_body_is_a_template_of_ready_rows(member_client, member):
    build_seed(member)
    response = member_client.get(URL)
    assert "members/includes/electricity_rows.html" in [t.name for t in response.templates]
    periods = response.context["periods"]
    assert periods[0].title == "01 Мая 2022 года - 01 Июня 2022 года"
    assert periods[0].rows[0] == ElectricityRow(
        "269", "9012", "2901", "11913", "9532", "3118", "12650", "520", "217", "737",
        has_costs=True, single="4370.41", cost_day="3546.40", cost_night="575.05", two_zone="4121.45",
    )  # fmt: skip


def test_every_cell_names_itself_for_the_phone_cards(member_client, member):
    """site.css turns each row into a card of labelled values from these attributes."""
    build_seed(member)
    soup = BeautifulSoup(member_client.get(URL).content, "html.parser")
    rows = soup.select("table.electricity-table tbody tr.plot-line")
    assert len(rows) == 4  # 2 plots × 2 periods
    for row in rows:
        plot, *cells = row.find_all(["th", "td"])
        assert (plot.name, plot["scope"], plot["data-label"]) == ("th", "row", "Участок")
        assert [c["data-label"] for c in cells[:9]] == READING_LABELS
        assert all(c["class"] == ["num"] for c in cells[:9])
        assert [(c["class"], c["data-label"]) for c in cells[9:]] == [
            (["num", "cost", k], label) for k, label in COSTS
        ]
    periods = soup.select("table.electricity-table tbody tr.period th")
    assert [(th["scope"], th["colspan"]) for th in periods] == [("rowgroup", "14")] * 2


def test_a_row_without_a_tariff_says_so_in_one_cell():
    row = ElectricityRow.from_line(_line(cost=None))
    assert (row.has_costs, row.total, row.single, row.two_zone) == (False, "737", "", "")


@pytest.mark.parametrize(
    "line",
    [
        _line(day=10**15),
        _line(day=-5),
        _line(cost=PeriodCost(Decimal("1E+6"), Decimal("-0.005"), Decimal("NaN"))),
    ],
)
def test_a_row_holds_only_numbers_whatever_the_values(line):
    """The template prints the cells unescaped: only digits, a minus, a point (or NaN) may reach them."""
    row = ElectricityRow.from_line(line)
    cells = [getattr(row, name) for name in row.__slots__ if name != "has_costs"]
    assert all(cell.replace("-", "").replace(".", "").isdigit() or cell == "NaN" for cell in cells), cells


@pytest.mark.parametrize("plot_number", ["269<script>", "<b>1</b>"])
def test_a_row_refuses_text_where_a_number_belongs(plot_number):
    with pytest.raises(ValueError, match="format code"):
        ElectricityRow.from_line(_line(plot_number=plot_number))


def test_the_page_read_model_holds_what_the_template_shows(member):
    build_seed(member)
    page = electricity_page(user=member, bank=None)
    assert [row.plot for period in page.periods for row in period.rows] == ["269", "270"] * 2
    assert page.codes == []  # no bank details: no QR code
    assert [chart.plot_number for chart in page.charts] == [269, 270]


@pytest.mark.parametrize("hostile", ["<b>1</b>", "1\x1f<i>2", "\x1f\x1f&"])
def test_the_rows_tag_escapes_every_cell_whatever_it_holds(hostile):
    """The tag escapes a row at once; a cell holding its separator still lands in its own cell."""
    row = ElectricityRow.from_line(_line())
    html = rows_tag([dataclasses.replace(row, plot=hostile, two_zone="<script>")])
    cells = BeautifulSoup(html, "html.parser").find_all(["th", "td"])
    assert len(cells) == 14
    assert (cells[0].get_text(), cells[-1].get_text()) == (hostile, "<script>")
    assert "<b>" not in html and "<script>" not in html and "<i>" not in html
