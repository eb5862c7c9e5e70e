"""The line balance's chart: a bar a month of the last 24, as SVG the template embeds (billing's
own: it never imports members' charts). The table beside it is its text alternative."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe

from billing.line_balance import BalanceRow, LineBalance
from billing.models import MainMeter
from billing.services.debts.items import MONTH_NAMES

BAR, GAP, LEFT, TOP, BOTTOM, HEIGHT, FONT = 22, 8, 56, 14, 40, 150, 13
LOSS_COLOUR, GAIN_COLOUR = "#b3261e", "#1f6f8b"


@dataclass(frozen=True)
class ChartBar:
    month: datetime.date
    label: str
    loss_kwh: int
    percent: Decimal | None

    @property
    def title(self) -> str:
        percent = f" ({self.percent} %)".replace(".", ",") if self.percent is not None else ""
        return f"{MONTH_NAMES[self.month.month - 1]} {self.month.year}: потери {self.loss_kwh} кВт*ч{percent}"


def chart_bars(balance: LineBalance) -> list[ChartBar]:
    """One bar a month, oldest first: the meters «на вводе» if there are any (they measure
    everything), else the feeders' losses added up."""
    transformers = any(row.kind == MainMeter.Kind.TRANSFORMER for row in balance.rows)
    by_month: dict[datetime.date, list[BalanceRow]] = defaultdict(list)
    for row in balance.rows:
        if row.kind == MainMeter.Kind.TRANSFORMER or not transformers:
            by_month[row.month].append(row)
    bars = []
    for month in sorted(by_month)[-24:]:
        rows = by_month[month]
        main = sum(r.main_kwh for r in rows)
        loss = sum(r.loss_kwh for r in rows)
        percent = (Decimal(loss) * 100 / main).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if main > 0 else None
        bars.append(ChartBar(month, rows[0].short_label, loss, percent))
    return bars


def balance_chart(balance: LineBalance) -> SafeString:
    """The loss per month as inline SVG (no script): `<title>` and `<desc>` name it, every bar has its
    title; the table under it is the text alternative. Empty without any month."""
    bars = chart_bars(balance)
    if not bars:
        return mark_safe("")  # noqa: S308  # nosec B308 B703 - a constant
    peak = max(abs(bar.loss_kwh) for bar in bars) or 1
    low = min(0, *(bar.loss_kwh for bar in bars))
    high = max(0, *(bar.loss_kwh for bar in bars))
    span = (high - low) or 1
    width = LEFT + len(bars) * (BAR + GAP) + GAP + 24  # room for the last month's label
    total = TOP + HEIGHT + BOTTOM
    zero_y = TOP + HEIGHT * high / span
    desc = (
        f"{len(bars)} мес. с {bars[0].title.split(':')[0]} по {bars[-1].title.split(':')[0]}; "
        f"наибольшие потери за месяц {peak} кВт*ч. Те же числа — в таблице ниже."
    )
    parts = [
        f'<svg class="balance-chart" width="{width}" height="{total}" viewBox="0 0 {width} {total}" role="img" '
        'aria-labelledby="balance-chart-title balance-chart-desc" xmlns="http://www.w3.org/2000/svg">',
        '<title id="balance-chart-title">Потери электроэнергии по месяцам, кВт*ч</title>',
        f'<desc id="balance-chart-desc">{escape(desc)}</desc>',
        f'<line x1="{LEFT}" y1="{zero_y:.1f}" x2="{width}" y2="{zero_y:.1f}" stroke="#555" stroke-width="1"/>',
        f'<text x="{LEFT - 6}" y="{zero_y + 4:.1f}" text-anchor="end" font-size="{FONT}">0</text>',
        f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end" font-size="{FONT}">{high}</text>',
    ]
    if low < 0:
        parts.append(f'<text x="{LEFT - 6}" y="{TOP + HEIGHT + 4}" text-anchor="end" font-size="{FONT}">{low}</text>')
    for n, bar in enumerate(bars):
        x = LEFT + GAP + n * (BAR + GAP)
        height = HEIGHT * abs(bar.loss_kwh) / span
        y = zero_y - height if bar.loss_kwh >= 0 else zero_y
        colour = LOSS_COLOUR if bar.loss_kwh >= 0 else GAIN_COLOUR
        parts.append(
            f"<g><title>{escape(bar.title)}</title>"
            f'<rect x="{x}" y="{y:.1f}" width="{BAR}" height="{max(height, 1):.1f}" fill="{colour}"/></g>'
        )
        label_y = TOP + HEIGHT + 16 + (14 if n % 2 else 0)
        label = escape(bar.label)
        parts.append(
            f'<text x="{x + BAR / 2:.1f}" y="{label_y}" text-anchor="middle" font-size="{FONT}">{label}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703 - every text in it is escaped above
