"""The cabinet's two money pages as read models: one call per view, everything its template shows.

«Мое электричество» for a member with five plots and five years of readings is 300 rows of
14 numbers. The rows reach the template as `ElectricityRow`s of ready strings (integers as
digits, costs as «4370.41»), so the template renders them without a filter, number
localisation or a lookup per cell: that is what keeps the table cheap, not markup in Python.
"""

import datetime
from dataclasses import dataclass
from functools import cache

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.dates import MONTHS_ALT
from django.utils.text import capfirst
from django.utils.translation import override

from billing.selectors import ElectricityLine, PeriodGroup, PlotStatus, electricity_periods, payment_status
from members.charts import Chart, consumption_charts
from members.context_processors import member_payment_status_date
from members.qr import PaymentCode, payment_code
from members.selectors import CabinetPlots, cabinet_plots


@cache
def _genitive_month(month: int) -> str:
    with override("ru"):
        return capfirst(str(MONTHS_ALT[month]))


def period_date(day: datetime.date) -> str:
    """«01 Мая 2022 года»: the instruction's capitalised genitive month."""
    return f"{day:%d} {_genitive_month(day.month)} {day.year} года"


def period_title(start: datetime.date, end: datetime.date) -> str:
    return f"{period_date(start)} - {period_date(end)}"


# The sums of a reading that is not the partnership's own: «(с)» reported by the member, «(р)» estimated.
# The page's legend says so (members/electricity.html); the cells stay plain text, escaped by the tag.
SOURCE_MARKS = {"member": " (с)", "estimate": " (р)"}


@dataclass(frozen=True, slots=True)
class ElectricityRow:
    """A plot's line of a period, every cell already a string of digits (costs with a point).

    Built by `from_line` with «:d» and «:.2f», which refuse anything but numbers (the start and end
    sums may carry a SOURCE_MARKS suffix); the
    electricity_rows tag lays them out (and escapes them all the same). The costs are empty strings when no
    tariff was in force (`has_costs` false: the row says «нет тарифа»).
    """

    plot: str
    start_day: str
    start_night: str
    start_total: str
    end_day: str
    end_night: str
    end_total: str
    day: str
    night: str
    total: str
    has_costs: bool
    single: str = ""
    cost_day: str = ""
    cost_night: str = ""
    two_zone: str = ""

    @classmethod
    def from_line(cls, line: ElectricityLine) -> "ElectricityRow":
        p, cost = line.period, line.cost
        readings = (
            f"{p.start_day:d}",
            f"{p.start_night:d}",
            f"{p.start_total:d}{SOURCE_MARKS.get(p.start_source, '')}",
            f"{p.end_day:d}",
            f"{p.end_night:d}",
            f"{p.end_total:d}{SOURCE_MARKS.get(p.end_source, '')}",
            f"{p.day:d}",
            f"{p.night:d}",
            f"{p.total:d}",
        )
        if cost is None:
            return cls(f"{line.plot_number:d}", *readings, has_costs=False)
        return cls(
            f"{line.plot_number:d}",
            *readings,
            has_costs=True,
            single=f"{cost.single:.2f}",
            cost_day=f"{cost.day:.2f}",
            cost_night=f"{cost.night:.2f}",
            two_zone=f"{cost.two_zone:.2f}",
        )


@dataclass(frozen=True, slots=True)
class PeriodRows:
    """One `<tbody>` of the table: the period's title row, then a row per plot."""

    title: str
    rows: tuple[ElectricityRow, ...]


def electricity_rows(groups: list[PeriodGroup]) -> list[PeriodRows]:
    return [
        PeriodRows(title=period_title(group.start, group.end), rows=tuple(map(ElectricityRow.from_line, group.lines)))
        for group in groups
    ]


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


@dataclass(frozen=True)
class ElectricityPage:
    plots: CabinetPlots
    periods: list[PeriodRows]
    codes: list[PaymentCode]
    charts: list[Chart]
    sources: frozenset[str] = frozenset()  # the SOURCE_MARKS the table uses, for its legend


def electricity_page(*, user: AbstractBaseUser, bank: dict | None) -> ElectricityPage:
    """«Мое электричество» of the member's confirmed plots: the table, a QR code per plot, the charts."""
    plots = cabinet_plots(user=user)
    groups = electricity_periods(plot_ids=plots.plot_ids)
    sources = {
        source
        for group in groups
        for line in group.lines
        for source in (line.period.start_source, line.period.end_source)
        if source in SOURCE_MARKS
    }
    return ElectricityPage(
        plots=plots,
        periods=electricity_rows(groups),
        codes=electricity_codes(groups, bank),
        charts=consumption_charts(groups=groups),
        sources=frozenset(sources),
    )


@dataclass(frozen=True)
class PlotBlock:
    status: PlotStatus
    code: PaymentCode | None


@dataclass(frozen=True)
class PaymentsPage:
    plots: CabinetPlots
    as_of: datetime.date | None
    blocks: list[PlotBlock]


def _code(status: PlotStatus, bank: dict | None) -> PaymentCode | None:
    purpose = ", ".join(a.name for a in status.articles if a.due > 0)
    return payment_code(bank=bank, plot_number=status.number, amount=status.due, purpose=purpose)


def payments_page(*, user: AbstractBaseUser, bank: dict | None) -> PaymentsPage:
    """«Статус моих оплат» of the member's confirmed plots, with the date of the data it shows."""
    plots = cabinet_plots(user=user)
    status = payment_status(plot_ids=plots.plot_ids, as_of=member_payment_status_date(user))
    return PaymentsPage(
        plots=plots,
        as_of=status.as_of,
        blocks=[PlotBlock(status=p, code=_code(p, bank)) for p in status.plots],
    )
