"""«Мое электричество»: the instruction's table per period, newest first, and a chart per plot.

A row's cells are written here, once, as numbers only (nothing to escape): a member with five
plots and five years of readings gets 300 rows without 4,000 template variable renders, each of
which Django would run through number localisation.
"""

import datetime
from dataclasses import dataclass
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
from members.charts import consumption_charts
from members.views import member_required
from members.views.plots import cabinet_plots

COLUMNS = 14


@cache
def _genitive_month(month: int) -> str:
    with override("ru"):
        return capfirst(str(MONTHS_ALT[month]))


def period_date(day: datetime.date) -> str:
    """«01 Мая 2022 года»: the instruction's capitalised genitive month."""
    return f"{day:%d} {_genitive_month(day.month)} {day.year} года"


def period_title(start: datetime.date, end: datetime.date) -> str:
    return f"{period_date(start)} - {period_date(end)}"


@dataclass(frozen=True)
class Row:
    plot_number: int
    kwh: tuple[int, ...]
    costs: tuple[str, ...]
    tariff_missing: bool

    @property
    def html(self) -> str:
        """`<th>` plot number and the `<td>`s: integers and `f"{Decimal:.2f}"` strings, nothing to escape."""
        kwh = "".join(f'<td class="num">{int(value)}</td>' for value in self.kwh)
        if self.tariff_missing:
            costs = '<td class="num" colspan="4">нет тарифа</td>'
        else:
            costs = "".join(f'<td class="num">{value}</td>' for value in self.costs)
        return f'<tr><th scope="row">{int(self.plot_number)}</th>{kwh}{costs}</tr>'


@dataclass(frozen=True)
class PeriodRows:
    title: str
    rows: list[Row]

    @property
    def html(self) -> str:
        title = f'<tr class="period"><th scope="rowgroup" colspan="{COLUMNS}">{escape(self.title)}</th></tr>'
        return f"<tbody>{title}{''.join(row.html for row in self.rows)}</tbody>"


def table_body(periods: list[PeriodRows]) -> SafeString:
    """Every period's `<tbody>`: a Django template loop costs about as much as the selector here."""
    return mark_safe("".join(period.html for period in periods))  # noqa: S308 - escaped titles, numbers


def _row(line: ElectricityLine) -> Row:
    p = line.period
    kwh = (p.start_day, p.start_night, p.start_total, p.end_day, p.end_night, p.end_total, p.day, p.night, p.total)
    cost = line.cost
    costs = () if cost is None else tuple(f"{v:.2f}" for v in (cost.single, cost.day, cost.night, cost.two_zone))
    return Row(plot_number=line.plot_number, kwh=kwh, costs=costs, tariff_missing=cost is None)


def electricity_table(groups: list[PeriodGroup]) -> list[PeriodRows]:
    return [PeriodRows(title=period_title(g.start, g.end), rows=[_row(line) for line in g.lines]) for g in groups]


@require_safe
@member_required
def electricity(request: HttpRequest) -> HttpResponse:
    plots = cabinet_plots(user=request.user)
    groups = electricity_periods(plot_ids=plots.plot_ids)
    periods = electricity_table(groups)
    context = {
        "periods": periods,
        "table_body": table_body(periods),
        "charts": consumption_charts(groups=groups),
        "plots": plots,
    }
    return render(request, "members/electricity.html", context)
