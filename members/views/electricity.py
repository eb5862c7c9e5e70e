"""«Мое электричество»: the instruction's table per period, newest first, and a chart per plot.

The table body is written here, once: a member with five plots and five years of readings has
300 rows of 14 numbers, and a Django template loop over them (each integer run through number
localisation) cost several times the selector. Cells hold integers and `f"{Decimal:.2f}"`
strings, the period titles are escaped: nothing else reaches the HTML.
"""

import datetime
from functools import cache
from html import escape

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.dates import MONTHS_ALT
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import override
from django.views.decorators.http import require_safe

from billing.selectors import ElectricityLine, PeriodGroup, electricity_periods
from members.cabinet_cache import cabinet_page_cache
from members.charts import consumption_charts
from members.qr import PaymentCode, bank_details, payment_code
from members.selectors import cabinet_plots
from members.views import member_required

COLUMNS = 14
# Each cell names itself (data-label): on a phone a row becomes a card of labelled values.
READING_LABELS = [
    f"{when}, {zone}"
    for when, zones in (("Начало", ("день", "ночь", "сумма")), ("Конец", ("день", "ночь", "сумма")))
    for zone in zones
] + ["Расход, день", "Расход, ночь", "Расход, всего"]
COST_LABELS = ["К оплате (однотарифный)", "Двухтарифный: день", "Двухтарифный: ночь", "К оплате (двухтарифный)"]
PERIOD_ROW = '<tr class="period"><th scope="rowgroup" colspan="' + str(COLUMNS) + '">{}</th></tr>'
PLOT_ROW = (
    '<tr class="plot-line"><th scope="row" data-label="Участок">{:d}</th>'
    + "".join(f'<td class="num" data-label="{label}">{{:d}}</td>' for label in READING_LABELS)
    + "{}</tr>"
)
COSTS = "".join(
    f'<td class="num cost cost--{kind}" data-label="{label}">{{:.2f}}</td>'
    for kind, label in zip(("single", "day", "night", "total"), COST_LABELS, strict=True)
)
NO_TARIFF = '<td class="num cost" colspan="4" data-label="К оплате">нет тарифа</td>'


@cache
def _genitive_month(month: int) -> str:
    with override("ru"):
        return capfirst(str(MONTHS_ALT[month]))


def period_date(day: datetime.date) -> str:
    """«01 Мая 2022 года»: the instruction's capitalised genitive month."""
    return f"{day:%d} {_genitive_month(day.month)} {day.year} года"


def period_title(start: datetime.date, end: datetime.date) -> str:
    return f"{period_date(start)} - {period_date(end)}"


def _row_html(line: ElectricityLine) -> str:
    p, cost = line.period, line.cost
    costs = NO_TARIFF if cost is None else COSTS.format(cost.single, cost.day, cost.night, cost.two_zone)
    return PLOT_ROW.format(
        line.plot_number,
        *(p.start_day, p.start_night, p.start_total, p.end_day, p.end_night, p.end_total, p.day, p.night, p.total),
        costs,
    )


def electricity_codes(groups: list[PeriodGroup], bank: dict | None) -> list[PaymentCode]:
    """A QR code per plot for what its newest period costs, with the end readings in the purpose."""
    newest: dict[int, ElectricityLine] = {}
    for group in groups:  # newest first
        for line in group.lines:
            newest.setdefault(line.plot_number, line)
    codes = []
    for number, line in sorted(newest.items()):
        p = line.period
        purpose = f"электроэнергия {p.start:%d.%m.%Y}–{p.end:%d.%m.%Y}, Т1 {p.end_day}, Т2 {p.end_night}"
        code = payment_code(bank=bank, plot_number=number, amount=line.owed, purpose=purpose)
        if code is not None:
            codes.append(code)
    return codes


def electricity_table(groups: list[PeriodGroup]) -> SafeString:
    """One `<tbody>` per period: its title row spanning the table, then a row per plot."""
    parts = []
    for group in groups:
        parts.append("<tbody>" + PERIOD_ROW.format(escape(period_title(group.start, group.end))))
        parts.extend(_row_html(line) for line in group.lines)
        parts.append("</tbody>")
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703 - numbers and escaped titles only


@require_safe
@cabinet_page_cache
@member_required
def electricity(request: HttpRequest) -> HttpResponse:
    plots = cabinet_plots(user=request.user)
    groups = electricity_periods(plot_ids=plots.plot_ids)
    bank = bank_details(request)
    context = {
        "codes": electricity_codes(groups, bank),
        "bank": bank,
        "periods": groups,
        "table_body": electricity_table(groups),
        "charts": consumption_charts(groups=groups),
        "plots": plots,
    }
    return render(request, "members/electricity.html", context)
