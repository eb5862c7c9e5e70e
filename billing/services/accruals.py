"""Accrual of a year's fees from the fee rates, as Charge rows of every active plot."""

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from billing.models import Article, Charge, FeeRate, ImportBatch, Plot
from billing.services.electricity import to_kopecks
from billing.services.locks import import_lock_take


@dataclass(frozen=True)
class ArticleAccrual:
    article: str
    accrued_on: datetime.date
    plots: int
    amount: Decimal
    skipped: int


@dataclass(frozen=True)
class AccrualResult:
    """`created`/`updated`/`unchanged` count Charge rows; `skipped` are per-сотка fees of plots
    without an area. `batch` is None when nothing changed or on a dry run."""

    articles: tuple[ArticleAccrual, ...]
    created: int
    updated: int
    unchanged: int
    skipped: int
    batch: ImportBatch | None
    dry_run: bool

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def __str__(self) -> str:
        return (
            f"новых начислений {self.created}, изменено {self.updated}, "
            f"без изменений {self.unchanged}, пропущено {self.skipped}."
        )


def fee_amount(*, fee_rate: FeeRate, plot: Plot) -> Decimal:
    """Per сотка: rate × area rounded to kopecks half-up; per plot: the rate."""
    if fee_rate.basis == FeeRate.Basis.PER_PLOT:
        return fee_rate.rate
    return to_kopecks(fee_rate.rate * plot.area)


def _fee_rates(*, year: int | None, article: Article | None) -> QuerySet[FeeRate]:
    rates = FeeRate.objects.select_related("article").order_by("accrue_on", "article__name")
    if article is not None:
        rates = rates.filter(article=article)
    if year is not None:
        rates = rates.filter(Q(article__year=year) | Q(article__year__isnull=True, accrue_on__year=year))
    return rates


@dataclass
class _Plan:
    """What an accrual writes: new charges, changed ones with their new amount; the rest counted."""

    new: list[Charge] = field(default_factory=list)
    changed: list[tuple[Charge, Decimal]] = field(default_factory=list)
    unchanged: int = 0
    skipped: int = 0
    summary: list[ArticleAccrual] = field(default_factory=list)


@transaction.atomic
def fees_accrue(
    *,
    year: int | None = None,
    article: Article | None = None,
    uploaded_by: AbstractBaseUser | None = None,
    dry_run: bool = False,
) -> AccrualResult:
    """Accrue the fees of `year` (an article's year, else its accrual date's year), or of one
    article, or all of them, to every active plot.

    Idempotent: a charge is keyed by (plot, article, accrual date) and only a new or changed
    amount is written; the ImportBatch recording a run is made only when something changed.
    """
    if not dry_run:
        import_lock_take()  # queue behind any import (or another accrual) writing charges now
    # lock the rates so two concurrent runs don't race on the same charges
    rates = list(_fee_rates(year=year, article=article).select_for_update(of=("self",)))
    plots = list(Plot.objects.filter(active=True).order_by("number"))
    existing = {
        (c.plot_id, c.article_id, c.accrued_on): c
        for c in Charge.objects.filter(article__in=[r.article_id for r in rates], plot__active=True)
    }
    plan = _Plan()
    for rate in rates:
        _plan_rate(plan, rate=rate, plots=plots, existing=existing)

    batch = None
    if (plan.new or plan.changed) and not dry_run:
        label = article.name if article is not None else (f"взносы {year}" if year else "все взносы")
        batch = _write_plan(plan, rates=rates, plots=plots, uploaded_by=uploaded_by, label=label)
    return AccrualResult(
        articles=tuple(plan.summary),
        created=len(plan.new),
        updated=len(plan.changed),
        unchanged=plan.unchanged,
        skipped=plan.skipped,
        batch=batch,
        dry_run=dry_run,
    )


def _plan_rate(plan: _Plan, *, rate: FeeRate, plots: list[Plot], existing: dict[tuple, Charge]) -> None:
    """Compare one fee rate's amount for every plot with the charge already there."""
    count, total, skipped = 0, Decimal("0.00"), 0
    for plot in plots:
        if rate.basis == FeeRate.Basis.PER_SOTKA and not plot.area:
            skipped += 1
            continue
        amount = fee_amount(fee_rate=rate, plot=plot)
        count, total = count + 1, total + amount
        charge = existing.get((plot.pk, rate.article_id, rate.accrue_on))
        if charge is None:
            plan.new.append(Charge(plot=plot, article=rate.article, amount=amount, accrued_on=rate.accrue_on))
        elif charge.amount != amount:
            plan.changed.append((charge, amount))
        else:
            plan.unchanged += 1
    plan.skipped += skipped
    plan.summary.append(ArticleAccrual(rate.article.name, rate.accrue_on, count, total, skipped))


def _write_plan(
    plan: _Plan, *, rates: list[FeeRate], plots: list[Plot], uploaded_by: AbstractBaseUser | None, label: str
) -> ImportBatch:
    """Record the run as an ImportBatch and write the new and changed charges under it."""
    numbers = {p.pk: p.number for p in plots}
    names = {r.article_id: r.article.name for r in rates}
    changes = [(c.plot.number, c.article.name, c.accrued_on, None, c.amount) for c in plan.new] + [
        (numbers[c.plot_id], names[c.article_id], c.accrued_on, c.amount, amount) for c, amount in plan.changed
    ]
    batch = _record_batch(changes=changes, unchanged=plan.unchanged, uploaded_by=uploaded_by, label=label)
    for charge in plan.new:
        charge.batch = batch
    Charge.objects.bulk_create(plan.new, batch_size=500)
    for charge, amount in plan.changed:
        charge.amount, charge.batch = amount, batch
    Charge.objects.bulk_update([c for c, _ in plan.changed], ["amount", "batch"], batch_size=500)
    return batch


def _record_batch(
    *, changes: list[tuple], unchanged: int, uploaded_by: AbstractBaseUser | None, label: str
) -> ImportBatch:
    """An accrual has no file: its sha256 is of the changes it makes and the moment it makes
    them. The same changes can recur (a charge deleted and accrued again), so the content
    alone would break the unique (kind, sha256); a rerun changing nothing makes no batch."""
    now = timezone.now()
    lines = sorted(
        [number, name, accrued_on.isoformat(), "" if old is None else str(old), str(amount)]
        for number, name, accrued_on, old, amount in changes
    )
    canonical = json.dumps({"at": now.isoformat(), "changes": lines}, ensure_ascii=False, sort_keys=True)
    return ImportBatch.objects.create(
        kind=ImportBatch.Kind.ACCRUAL,
        file_name=f"Начисление: {label}"[:255],
        sha256=hashlib.sha256(canonical.encode()).hexdigest(),
        uploaded_by=uploaded_by,
        as_of=timezone.localdate(now),
        rows_total=len(changes) + unchanged,
        rows_created=sum(1 for change in changes if change[3] is None),
        rows_updated=sum(1 for change in changes if change[3] is not None),
        rows_unchanged=unchanged,
    )
