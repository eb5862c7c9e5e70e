"""The results of a closed meeting's items (members.meetings.public.ResultRow) as cards.

One string format per item instead of the template engine: a meeting of 30 items made some 300 variable
lookups the page's main cost (bench_meeting_results), and Django's `format_html_join` spent as much again
escaping, through its lazy-string wrapper, the numbers it had been given as text. The markup is the
template's: a heading, the wording and a definition list. The two texts a person typed or chose (the
wording, the majority) are escaped with the standard library's `html.escape`, which Django's `escape`
calls too; the rest are digits and fixed words made by ResultRow from integers."""

import html

from django import template
from django.utils.safestring import mark_safe

from members.meetings.public import ResultRow

register = template.Library()

CARD = (
    '<div class="meeting-result cabinet-card"><h3>Вопрос {}</h3><p class="meeting-wording">{}</p>'
    '<dl class="contacts"><dt>Необходимое большинство</dt><dd>{}</dd><dt>Голосовали по вопросу</dt><dd>{}</dd>'
    "<dt>За</dt><dd>{} ({} %)</dd><dt>Против</dt><dd>{}</dd><dt>Воздержались</dt><dd>{}</dd>"
    '<dt>Решение</dt><dd class="meeting-decision">{}</dd></dl></div>'
)


@register.simple_tag
def result_cards(rows: list[ResultRow]) -> str:
    cards = "\n".join(
        CARD.format(
            row.number,
            html.escape(row.wording),
            html.escape(row.majority),
            row.present,
            row.votes_for,
            row.percent_for,
            row.votes_against,
            row.votes_abstained,
            row.decision,
        )
        for row in rows
    )
    return mark_safe(cards)  # noqa: S308  # nosec B308 B703 - typed texts escaped above, the rest digits
