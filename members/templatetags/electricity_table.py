"""«Мое электричество»: a plot's row of the table as a template tag (a component), because the table
has 4,200 cells at 5 plots × 60 months and Django's template loop spends most of the page's render
resolving and escaping them one by one. The markup stays here, beside its labels; the cells come
ready from members.cabinet_pages.ElectricityRow (digits, a minus, a point) and are escaped all the
same — with the stdlib's `html.escape`, as members/charts.py does: Django's lazy-aware
conditional_escape costs more than the rest of the row. Each cell names itself (data-label): on a
phone a row becomes a card of labelled values (site.css).
"""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_READINGS = (
    '<tr class="plot-line"><th scope="row" data-label="Участок">{}</th>\n'
    '<td class="num" data-label="Начало, день">{}</td>\n'
    '<td class="num" data-label="Начало, ночь">{}</td>\n'
    '<td class="num" data-label="Начало, сумма">{}</td>\n'
    '<td class="num" data-label="Конец, день">{}</td>\n'
    '<td class="num" data-label="Конец, ночь">{}</td>\n'
    '<td class="num" data-label="Конец, сумма">{}</td>\n'
    '<td class="num" data-label="Расход, день">{}</td>\n'
    '<td class="num" data-label="Расход, ночь">{}</td>\n'
    '<td class="num" data-label="Расход, всего">{}</td>\n'
)
ROW_WITH_COSTS = _READINGS + (
    '<td class="num cost cost--single" data-label="К оплате (однотарифный)">{}</td>\n'
    '<td class="num cost cost--day" data-label="Двухтарифный: день">{}</td>\n'
    '<td class="num cost cost--night" data-label="Двухтарифный: ночь">{}</td>\n'
    '<td class="num cost cost--total" data-label="К оплате (двухтарифный)">{}</td>\n'
    "</tr>\n"
)
ROW_WITHOUT_TARIFF = _READINGS + '<td class="num cost" colspan="4" data-label="К оплате">нет тарифа</td>\n</tr>\n'


_SEPARATOR = "\x1f"


def _cells(row) -> tuple[str, ...]:
    readings = (
        row.plot,
        row.start_day,
        row.start_night,
        row.start_total,
        row.end_day,
        row.end_night,
        row.end_total,
        row.day,
        row.night,
        row.total,
    )
    return (*readings, row.single, row.cost_day, row.cost_night, row.two_zone) if row.has_costs else readings


@register.simple_tag
def electricity_rows(rows) -> SafeString:
    """The `<tr>`s of one period's plots, every cell escaped."""
    html = []
    for row in rows:
        layout = ROW_WITH_COSTS if row.has_costs else ROW_WITHOUT_TARIFF
        # one escape per row, not per cell: the separator is a control character escape() leaves alone
        cells = _cells(row)
        escaped = escape(_SEPARATOR.join(cells)).split(_SEPARATOR)
        if len(escaped) != len(cells):  # a cell holding the separator itself: cell by cell
            escaped = list(map(escape, cells))
        html.append(layout.format(*escaped))
    return mark_safe("".join(html))  # noqa: S308  # nosec B308 B703 - every cell escaped above; the layout is ours
