"""Monthly consumption per plot as server-rendered inline SVG: no script, readable by a screen
reader (`<title>`, `<desc>`, a title on every bar). Every month is labelled in a readable size;
the chart keeps its natural size and a narrow screen scrolls it in its own box."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from html import escape  # the stdlib's: Django's lazy-aware one costs more per call

from django.utils.safestring import SafeString, mark_safe

from billing.services.debts.items import MONTH_SHORT_NAMES

MAX_BARS = 24
BAR, GAP = 24, 10
LEFT, TOP, BOTTOM, HEIGHT = 48, 14, 44, 160
FONT_SIZE = 13  # px at the chart's natural size, which it keeps on every screen
DAY_COLOUR, NIGHT_COLOUR = "#2f7d32", "#9ccc65"
# a bar: its title, x, then the day part's y and height, then the night part's (stacked on top)
BAR_SVG = (
    "<g><title>{0}</title>"
    f'<rect x="{{1}}" y="{{2}}" width="{BAR}" height="{{3}}" fill="{DAY_COLOUR}"/>'
    f'<rect x="{{1}}" y="{{4}}" width="{BAR}" height="{{5}}" fill="{NIGHT_COLOUR}"/></g>'
)
LABEL_SVG = '<text x="{}" y="{}" text-anchor="middle" font-size="' + str(FONT_SIZE) + '">{}</text>'


@dataclass(frozen=True)
class Bar:
    label: str
    title: str
    day: int
    night: int
    start: date

    @property
    def total(self) -> int:
        return self.day + self.night


@dataclass(frozen=True)
class Chart:
    plot_number: int
    svg: SafeString
    months: int


def _bars_by_plot(groups: Iterable) -> dict[int, list[Bar]]:
    """From `billing.selectors.PeriodGroup`s (newest first) to each plot's last MAX_BARS bars, oldest first."""
    lines: dict[int, list] = defaultdict(list)
    for group in groups:
        for line in group.lines:
            if len(lines[line.plot_number]) < MAX_BARS:
                lines[line.plot_number].append(line.period)
    return {number: [_bar(period) for period in reversed(periods)] for number, periods in lines.items()}


def _bar(period) -> Bar:
    title = (
        f"{period.start:%d.%m.%Y} – {period.end:%d.%m.%Y}: {period.total} кВт*ч "
        f"(день {period.day}, ночь {period.night})"
    )
    return Bar(
        label=MONTH_SHORT_NAMES[period.start.month - 1],
        title=title,
        day=period.day,
        night=period.night,
        start=period.start,
    )


def _svg(plot_number: int, bars: list[Bar]) -> str:
    width = LEFT + len(bars) * (BAR + GAP) + GAP
    total_height = TOP + HEIGHT + BOTTOM
    peak = max((bar.total for bar in bars), default=0) or 1
    chart_id = f"consumption-{plot_number}"
    title = f"Расход электроэнергии по месяцам, участок {plot_number}"
    desc = (
        f"{len(bars)} мес., наибольший расход {peak if any(b.total for b in bars) else 0} кВт*ч; "
        "тёмная часть столбца — день, светлая — ночь"
    )
    parts = [
        f'<svg class="consumption-chart" width="{width}" height="{total_height}" viewBox="0 0 {width} {total_height}" '
        f'role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
        f'<line x1="{LEFT}" y1="{TOP + HEIGHT}" x2="{width}" y2="{TOP + HEIGHT}" stroke="#999"/>',
        f'<text x="{LEFT - 4}" y="{TOP + 4}" text-anchor="end" font-size="{FONT_SIZE}">{peak}</text>',
        f'<text x="{LEFT - 4}" y="{TOP + HEIGHT}" text-anchor="end" font-size="{FONT_SIZE}">0</text>',
    ]
    base = TOP + HEIGHT
    for index, bar in enumerate(bars):
        x = LEFT + GAP + index * (BAR + GAP)
        day_h = HEIGHT * bar.day // peak
        night_h = HEIGHT * bar.night // peak
        parts.append(BAR_SVG.format(escape(bar.title), x, base - day_h, day_h, base - day_h - night_h, night_h))
        parts.append(LABEL_SVG.format(x + BAR // 2, base + 17, bar.label))
        if index == 0 or bar.start.month == 1:  # the year under the first month and each January
            parts.append(LABEL_SVG.format(x + BAR // 2, base + 35, bar.start.year))
    parts.append("</svg>")
    return "".join(parts)


def consumption_charts(*, groups: Iterable) -> list[Chart]:
    """One chart per plot, by plot number, of its last MAX_BARS periods."""
    return [
        Chart(plot_number=number, svg=mark_safe(_svg(number, bars)), months=len(bars))  # noqa: S308  # nosec B308 B703 - text escaped, numbers only
        for number, bars in sorted(_bars_by_plot(groups).items())
    ]
