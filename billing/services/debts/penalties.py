"""Penalties (пени) by the charter: a percent per day of an overdue item's unpaid amount, from the
day after its due date and the rule's grace days, up to the rule's cap. Pure arithmetic; the
accrual that writes them is `billing.services.debts.accrual`."""

import datetime
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from billing.services.debts.items import ONE_DAY, ZERO, DebtItem, PlotDebts

KOPECK = Decimal("0.01")
HUNDRED = Decimal(100)


class Rule(Protocol):
    rate: Decimal
    grace_days: int
    valid_from: datetime.date
    valid_to: datetime.date | None

    @property
    def kinds(self) -> set[str]: ...

    def covers(self, day: datetime.date) -> bool: ...

    def cap_amount(self, debt: Decimal) -> Decimal | None: ...


def rules_by_kind(rules: Iterable[Rule]) -> dict[str, list[Rule]]:
    by_kind: dict[str, list[Rule]] = {}
    for rule in sorted(rules, key=lambda r: r.valid_from):
        for kind in rule.kinds:
            by_kind.setdefault(kind, []).append(rule)
    return by_kind


def item_penalties(item: DebtItem, rules: Sequence[Rule], dates: Sequence[datetime.date]) -> list[Decimal]:
    """The penalty one item has earned up to each of `dates` (ascending) inclusive, unrounded.

    Days run in stretches where neither the unpaid amount nor the rule changes; a day counts when
    a rule covers it and it lies past the due date plus that rule's grace days."""
    earned = [ZERO] * len(dates)
    if item.amount <= 0 or not rules or not dates or dates[-1] <= item.due_on:
        return earned
    if item.outstanding(item.due_on) <= 0:
        return earned  # paid in time
    first = item.due_on + ONE_DAY
    bounds = {first} | {day + ONE_DAY for day in dates if day >= first}
    bounds.update(day for day, _ in item.paid)
    for rule in rules:
        bounds.update((rule.valid_from, item.due_on + datetime.timedelta(days=rule.grace_days + 1)))
        if rule.valid_to is not None:
            bounds.add(rule.valid_to + ONE_DAY)
    stop = dates[-1] + ONE_DAY
    days = sorted(day for day in bounds if first <= day <= stop)
    totals_at = {}  # the day after a stretch → total earned before it
    total = ZERO
    paid, next_paid, unpaid = sorted(item.paid), 0, item.amount
    for start, end in zip(days, days[1:], strict=False):
        while next_paid < len(paid) and paid[next_paid][0] <= start:
            unpaid -= paid[next_paid][1]
            next_paid += 1
        rule = _in_force(rules, start)
        if rule is not None and (start - item.due_on).days > rule.grace_days and unpaid > 0:
            grown = total + unpaid * rule.rate / HUNDRED * (end - start).days
            cap = rule.cap_amount(item.amount)
            total = grown if cap is None else max(total, min(grown, cap))  # a lower cap later takes nothing back
        totals_at[end] = total
    for index, day in enumerate(dates):
        if day >= first:
            earned[index] = totals_at[day + ONE_DAY]
    return earned


def _in_force(rules: Sequence[Rule], day: datetime.date) -> Rule | None:
    for rule in rules:
        if rule.valid_from <= day and (rule.valid_to is None or day <= rule.valid_to):
            return rule
    return None


def plot_penalties(debts: PlotDebts, rules: dict[str, list[Rule]], dates: Sequence[datetime.date]) -> list[Decimal]:
    """What the plot's overdue items have earned in penalties up to each of `dates`, in kopecks."""
    totals = [ZERO] * len(dates)
    for item in debts.items():
        kind_rules = rules.get(item.kind)
        if kind_rules:
            for index, value in enumerate(item_penalties(item, kind_rules, dates)):
                totals[index] += value
    return [total.quantize(KOPECK, rounding=ROUND_HALF_UP) for total in totals]
