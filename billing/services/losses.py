"""Allocation of the line loss to plots, when the general meeting decides so (LineSettings):
proportional to each plot's consumption in the month, or equal per plot — as charges of the
«Потери» article (kind OTHER) dated the 1st of the next month, the day the month's balance closes.

The loss allocated is the month's loss cost: of the meters «на вводе» if there are any (they
measure every plot), else of each feeder over its own plots. Only plots whose consumption the
balance counts share it. Kopecks: each share is rounded down and the kopecks left go one by one
to the largest remainders (then the smaller plot numbers), so the charges add up to the loss cost
exactly. Idempotent per month: a second run changes nothing, a changed reading or price
recomputes that month's charges (created, changed or deleted)."""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.db import transaction

from billing.line_balance import BalanceRow, line_balance, plots_month_kwh
from billing.models import Article, Charge, LineSettings, MainMeter, Plot
from billing.services.estimates import period_end
from billing.services.locks import import_lock_take
from billing.signals import ledger_changed

LOSS_ARTICLE = "Потери"
KOPECK = Decimal("0.01")
ZERO = Decimal("0.00")


class AllocationRefused(ValueError):
    """The allocation cannot run as asked; the message is for the treasurer."""


@dataclass(frozen=True)
class LossChange:
    plot_number: int
    kwh: int
    before: Decimal  # ZERO where there was no charge
    after: Decimal  # ZERO where the charge goes


@dataclass
class AllocationResult:
    month: datetime.date
    accrued_on: datetime.date
    mode: str
    dry_run: bool
    rows: list[BalanceRow] = field(default_factory=list)
    loss_cost: Decimal = ZERO
    shares: dict[int, Decimal] = field(default_factory=dict)  # plot number -> amount
    changes: list[LossChange] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum(self.shares.values(), ZERO)

    @property
    def summary(self) -> str:
        return (
            f"потери {self.loss_cost} ₽ на {len(self.shares)} участков; новых начислений "
            f"{sum(1 for c in self.changes if c.before == ZERO)}, изменено "
            f"{sum(1 for c in self.changes if c.before != ZERO and c.after != ZERO)}, удалено "
            f"{sum(1 for c in self.changes if c.after == ZERO)}"
        )


def split(total: Decimal, weights: dict[int, int], order: dict[int, int]) -> dict[int, Decimal]:
    """`total` (kopecks) over the keys in proportion to their weights; the sum is exactly `total`.
    Each share is rounded down, then the kopecks left go to the largest remainders, ties to the
    smaller `order` (the plot number)."""
    weight = sum(weights.values())
    if total <= ZERO or weight <= 0:
        return {}
    kopecks = int(total / KOPECK)
    exact = {key: Decimal(kopecks) * w / weight for key, w in weights.items() if w > 0}
    shares = {key: int(value.to_integral_value(rounding=ROUND_DOWN)) for key, value in exact.items()}
    left = kopecks - sum(shares.values())
    for key in sorted(exact, key=lambda k: (-(exact[k] - shares[k]), order[k]))[:left]:
        shares[key] += 1
    return {key: Decimal(value) * KOPECK for key, value in shares.items() if value}


def loss_article() -> Article:
    article, _ = Article.objects.get_or_create(
        name=LOSS_ARTICLE, defaults={"kind": Article.Kind.OTHER, "sort_order": 800}
    )
    return article


def _shares(result: AllocationResult, kwh: dict, numbers: dict[int, int], *, equal: bool) -> dict[int, Decimal]:
    """Each plot's share of the balance rows' loss cost (equal, or by its consumption); adds the
    shared cost to `result.loss_cost`."""
    amounts: dict[int, Decimal] = {}
    for row in result.rows:
        cost = max(row.loss_cost, ZERO)  # the plots counted more than the main meter: nothing to share
        result.loss_cost += cost
        fed = {
            plot: plot_kwh
            for plot, (feeder, plot_kwh) in kwh.items()
            if row.kind == MainMeter.Kind.TRANSFORMER or feeder == row.main_meter_id
        }
        weights = dict.fromkeys(fed, 1) if equal else {plot: max(plot_kwh, 0) for plot, plot_kwh in fed.items()}
        for plot, amount in split(cost, weights, numbers).items():
            amounts[plot] = amounts.get(plot, ZERO) + amount
    return amounts


def allocate_losses(*, month: datetime.date, dry_run: bool = False) -> AllocationResult:
    """The month's loss as «Потери» charges under the mode in LineSettings; AllocationRefused (in
    Russian) when the settings allocate nothing, there is no price or no balance for the month."""
    settings = LineSettings.current()
    if settings.allocation == LineSettings.Allocation.NONE:
        raise AllocationRefused(
            "Распределение потерь выключено: выберите способ в «Настройки» → «Баланс электроэнергии» "
            "по решению общего собрания."
        )
    if settings.supplier_price <= 0:
        raise AllocationRefused("Не указана цена поставщика за кВт·ч: укажите её в «Баланс электроэнергии».")
    accrued_on = period_end(month)
    result = AllocationResult(month=month, accrued_on=accrued_on, mode=settings.allocation, dry_run=dry_run)
    with transaction.atomic():
        import_lock_take()
        rows = [row for row in line_balance(months=1, until=accrued_on).rows if row.month == month]
        if not rows:
            raise AllocationRefused(
                f"Нет баланса за {month:%m.%Y}: нужны показания общего счётчика на 01.{month:%m.%Y} "
                f"и {accrued_on:%d.%m.%Y}."
            )
        transformers = [row for row in rows if row.kind == MainMeter.Kind.TRANSFORMER]
        result.rows = transformers or rows
        kwh = plots_month_kwh(month)
        numbers = dict(Plot.objects.filter(pk__in=kwh).values_list("pk", "number"))
        amounts = _shares(result, kwh, numbers, equal=settings.allocation == LineSettings.Allocation.EQUAL)
        article = loss_article() if not dry_run else Article.objects.filter(name=LOSS_ARTICLE).first()
        stored = {}
        if article is not None:
            stored = {c.plot_id: c for c in Charge.objects.filter(article=article, accrued_on=accrued_on)}
        stored_numbers = dict(Plot.objects.filter(pk__in=set(stored) - set(numbers)).values_list("pk", "number"))
        numbers |= stored_numbers
        result.shares = {numbers[plot]: amount for plot, amount in amounts.items()}
        create, update, delete = [], [], []
        for plot in sorted(set(amounts) | set(stored), key=lambda p: numbers[p]):
            after, charge = amounts.get(plot, ZERO), stored.get(plot)
            before = charge.amount if charge is not None else ZERO
            if after == before:
                continue
            result.changes.append(LossChange(numbers[plot], kwh.get(plot, (None, 0))[1], before, after))
            if charge is None:
                create.append(Charge(plot_id=plot, article=article, accrued_on=accrued_on, amount=after))
            elif after == ZERO:
                delete.append(charge.pk)
            else:
                charge.amount = after
                update.append(charge)
        if not dry_run and result.changes:
            Charge.objects.bulk_create(create, batch_size=500)
            Charge.objects.bulk_update(update, ["amount"], batch_size=500)
            Charge.objects.filter(pk__in=delete).delete()
            ledger_changed.send(sender=Charge)
    return result
