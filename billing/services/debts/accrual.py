"""Writes penalties as charges of the «Пени» article, one per plot and accrual date.

Each run recomputes, for every plot, the penalty earned up to each date already accrued and up to
the new one, and stores the differences: running twice for one date changes nothing, and a payment
that turns up with an earlier bank date lowers the penalties of the dates after it."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from billing.models import Article, Charge, PenaltyRule, Plot
from billing.services.debts.items import ZERO
from billing.services.debts.loading import load_debts
from billing.services.debts.penalties import plot_penalties, rules_by_kind
from billing.services.locks import import_lock_take
from billing.signals import ledger_changed

PENALTY_ARTICLE = "Пени"


class AccrualRefused(ValueError):
    """The accrual cannot run as asked; the message is for the treasurer."""


@dataclass(frozen=True)
class PenaltyChange:
    plot_number: int
    accrued_on: datetime.date
    before: Decimal  # ZERO where there was no row
    after: Decimal  # ZERO where the row goes


@dataclass
class AccrualResult:
    on: datetime.date | None
    dry_run: bool
    changes: list[PenaltyChange] = field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(1 for c in self.changes if c.before == ZERO)

    @property
    def updated(self) -> int:
        return sum(1 for c in self.changes if c.before != ZERO and c.after != ZERO)

    @property
    def deleted(self) -> int:
        return sum(1 for c in self.changes if c.after == ZERO)

    @property
    def difference(self) -> Decimal:
        return sum((c.after - c.before for c in self.changes), ZERO)

    @property
    def on_date(self) -> list[PenaltyChange]:
        return [c for c in self.changes if c.accrued_on == self.on]


def penalty_article() -> Article:
    article = Article.objects.filter(kind=Article.Kind.PENALTY).order_by("pk").first()
    if article is None:
        article, _ = Article.objects.get_or_create(
            name=PENALTY_ARTICLE, defaults={"kind": Article.Kind.PENALTY, "sort_order": 900}
        )
    return article


def accrual_refusal(on: datetime.date, *, today: datetime.date) -> str | None:
    """Why penalties cannot be accrued on `on`, in Russian; None when they can."""
    if on > today:
        return f"Дата {on:%d.%m.%Y} ещё не наступила: пени начисляются по сегодняшний день или на прошедшую дату."
    if not PenaltyRule.objects.exists():
        return "Нет ни одного правила начисления пеней: добавьте его в «Бухгалтерия» → «Правила начисления пеней»."
    first = Charge.objects.order_by("accrued_on").values_list("accrued_on", flat=True).first()
    if first is None:
        return "Начислений ещё нет: пени не с чего считать."
    if on < first:
        return f"Дата {on:%d.%m.%Y} раньше первого начисления ({first:%d.%m.%Y})."
    return None


def penalties_accrue(*, on: datetime.date | None, dry_run: bool = False) -> AccrualResult:
    """Penalties up to `on` for every plot; `on=None` only recomputes the dates already accrued
    (after payments arrive). Raises AccrualRefused with the reason. Imports wait meanwhile."""
    if on is not None:
        refusal = accrual_refusal(on, today=timezone.localdate())
        if refusal:
            raise AccrualRefused(refusal)
    result = AccrualResult(on=on, dry_run=dry_run)
    with transaction.atomic():
        import_lock_take()
        rules = rules_by_kind(PenaltyRule.objects.all())
        article = penalty_article() if (on is not None and not dry_run) else _existing_penalty_article()
        stored = _stored_penalties(article)
        plot_ids = None if on is not None else list(stored)
        if plot_ids == [] or (article is None and on is None):
            return result
        numbers = dict(Plot.objects.values_list("pk", "number"))
        writes = _Writes(article)
        for plot_id, debts in load_debts(plot_ids=plot_ids).items():
            rows = stored.get(plot_id, {})
            dates = sorted(set(rows) | ({on} if on is not None else set()))
            earned, previous = plot_penalties(debts, rules, dates), ZERO
            for day, total in zip(dates, earned, strict=True):
                amount, previous = total - previous, total
                before = rows[day].amount if day in rows else ZERO
                if amount != before:
                    result.changes.append(PenaltyChange(numbers[plot_id], day, before, amount))
                    writes.add(plot_id, day, amount, rows.get(day))
        if not dry_run:
            writes.run()
    result.changes.sort(key=lambda c: (c.plot_number, c.accrued_on))
    return result


def penalties_recompute() -> AccrualResult:
    """After payments or charges change: the penalties already accrued, as they should be now."""
    return penalties_accrue(on=None)


def _existing_penalty_article() -> Article | None:
    return Article.objects.filter(kind=Article.Kind.PENALTY).order_by("pk").first()


def _stored_penalties(article: Article | None) -> dict[int, dict[datetime.date, Charge]]:
    stored: dict[int, dict[datetime.date, Charge]] = defaultdict(dict)
    if article is not None:
        for charge in Charge.objects.filter(article=article).order_by():
            stored[charge.plot_id][charge.accrued_on] = charge
    return stored


class _Writes:
    """The rows to create, change and delete, written in three statements."""

    def __init__(self, article: Article | None):
        self.article = article
        self.create: list[Charge] = []
        self.update: list[Charge] = []
        self.delete: list[int] = []

    def add(self, plot_id: int, day: datetime.date, amount: Decimal, row: Charge | None) -> None:
        if row is None:
            self.create.append(Charge(plot_id=plot_id, article=self.article, accrued_on=day, amount=amount))
        elif amount == ZERO:
            self.delete.append(row.pk)
        else:
            row.amount = amount
            self.update.append(row)

    def run(self) -> None:
        if not (self.create or self.update or self.delete):
            return
        ledger_changed.send(sender=Charge)
        Charge.objects.bulk_update(self.update, ["amount"], batch_size=500)
        Charge.objects.bulk_create(self.create, batch_size=500)
        Charge.objects.filter(pk__in=self.delete).delete()
