"""The results of a closed meeting's items (members.meetings.public.ResultRow) as cards.

One `format_html_join` for the items instead of the template engine: a meeting of 30 items made some 300
variable lookups the page's main cost (bench_meeting_results). The markup is the template's: a heading,
the wording and a definition list; every value is escaped."""

from django import template
from django.utils.html import format_html_join

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
    return format_html_join(
        "\n",
        CARD,
        (
            (
                row.number,
                row.wording,
                row.majority,
                row.present,
                row.votes_for,
                row.percent_for,
                row.votes_against,
                row.votes_abstained,
                row.decision,
            )
            for row in rows
        ),
    )
