"""The plots' monthly sums of the line balance (LineBalanceMonth) kept as data: every write of the
plots' readings, meters or feeders changes them in its own transaction, so the public page
«Баланс электроэнергии» only reads them (billing.line_balance) and never sums on read.

- A save or delete of single rows (the admin, a member's accepted reading, a meter replacement, a
  plot moved to another feeder, a plot deleted with its meters and readings) goes through the model
  signals: before the write, the share of the plots it touches in the months it touches is summed
  (pre_save, pre_delete); after it, summed again (post_save, post_delete), and the difference is
  added to the stored rows. A delete that cascades sends every pre_delete first and every
  post_delete after: its share is taken before the first and the difference applied after the last.
  Plot, Meter and Reading save in a transaction (billing.models.plots.SavedAtomically).
- A write in bulk (the readings import, estimates, a queryset's delete) sums again the months it
  touched, for all plots, in one pass: `resum_months`. Main meters' readings are not summed here:
  the balance reads them as they are (a few hundred rows for ten years).
- `rebuild` (`manage.py rebuild_line_balance`) sums everything again from scratch, for recovery.

Every writer takes the imports' lock first (billing.services.locks): the sums see the writes one at
a time, and the first row of a month and feeder is never inserted twice.

A month's consumption runs from its first reading to the next month's first one, so a reading on a
date touches its month and the month before.
"""

import datetime
import threading
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field

from django.db import connection, transaction
from django.db.models import F, Max, Min, QuerySet, Subquery
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from billing.line_balance import PlotsSum, month_index, month_start, plots_sums
from billing.models import LineBalanceMonth, MainMeter, Meter, Plot, Reading
from billing.services.locks import import_lock_take

Sums = dict[tuple[int | None, int], PlotsSum]
Months = tuple[int, int]  # the first and last month index, inclusive
LONGEST_RUN = 24  # months summed in one query by a bulk write or the rebuild
MOST_UNDER_WAY = 100  # writes whose signals have not all come (nested, or failed between them)

_local = threading.local()


def months_of(dates: Iterable[datetime.date]) -> set[int]:
    """The months whose consumption readings on these dates touch: each date's month and the one before."""
    return {index for day in dates for index in (month_index(day) - 1, month_index(day))}


# Bulk writes and the rebuild


def _runs(months: set[int]) -> Iterator[Months]:
    """Runs of consecutive months, at most LONGEST_RUN long."""
    run: list[int] = []
    for index in sorted(months):
        if run and (index != run[-1] + 1 or len(run) == LONGEST_RUN):
            yield run[0], run[-1]
            run = []
        run.append(index)
    if run:
        yield run[0], run[-1]


def _rows(sums: Sums) -> list[LineBalanceMonth]:
    return [
        LineBalanceMonth(feeder_id=feeder, month=month_start(index), **asdict(value))
        for (feeder, index), value in sums.items()
        if value != PlotsSum()
    ]


def resum_months(months: Iterable[int]) -> None:
    """Sum the given months again for all plots and store them: a query per run of consecutive
    months, its delete and its insert. For bulk writers, inside their transaction, after the write
    (they hold the imports' lock)."""
    for first, last in _runs(set(months)):
        stale = LineBalanceMonth.objects.filter(month__gte=month_start(first), month__lte=month_start(last))
        # one DELETE: .delete() would select the rows first for the post_delete receivers other apps
        # connect to every model (and these rows mean nothing to them)
        stale._raw_delete(stale.db)
        LineBalanceMonth.objects.bulk_create(_rows(plots_sums(first, last)), batch_size=1000)
    _tell_caches()


def rebuild() -> int:
    """Every month summed again from the readings, the stored rows replaced; the rows stored."""
    with transaction.atomic():
        import_lock_take()
        span = Reading.objects.aggregate(first=Min("taken_on"), last=Max("taken_on"))
        everything = LineBalanceMonth.objects.all()
        everything._raw_delete(everything.db)
        if span["first"] is not None:
            resum_months(range(month_index(span["first"]), month_index(span["last"]) + 1))
        return LineBalanceMonth.objects.count()


def _tell_caches() -> None:
    """Rows written in bulk or by UPDATE send no model signal: send one, so that page caches listening
    to saves forget the balance they showed (a plot moved to another feeder saves nothing they watch)."""
    using = LineBalanceMonth.objects.db
    post_save.send(sender=LineBalanceMonth, instance=LineBalanceMonth(), created=False, raw=False, using=using)


# Single rows through the model signals


@dataclass
class _Change:
    """One write under way: the plots and months it touches and their share before it; or, for a
    delete of a queryset (`bulk`), the months to sum again for all plots after it."""

    key: object  # the instance saved, or the origin of a delete
    bulk: bool = False
    plots: set[int] = field(default_factory=set)
    months: Months | None = None
    before: Sums = field(default_factory=dict)
    resum: set[int] = field(default_factory=set)  # bulk: the months touched
    meter_plots: dict[int, int] = field(default_factory=dict)  # meter id → plot id, looked up once
    block: object = None  # the transaction block it runs in (a delete's own, by Django's collector)
    waiting: int = 0  # post_save/post_delete signals still to come
    written: bool = False  # one came already: the share may have changed

    def widen(self, plots: set[int], months: Months | None) -> None:
        """Add plots and months before anything is written (a cascade's pre_delete signals)."""
        if not plots or months is None:
            return
        wider = months if self.months is None else (min(self.months[0], months[0]), max(self.months[1], months[1]))
        if plots <= self.plots and wider == self.months:
            return
        self.plots |= plots
        self.months = wider
        self.before = plots_sums(*wider, plots=self.plots)

    def take(self, plots: set[int]) -> None:
        """Add plots with their whole history (a plot moved or deleted, a cascade)."""
        if not plots <= self.plots:
            self.widen(plots, _plots_months(plots))

    def plot_of(self, meter_id: int) -> set[int]:
        if meter_id not in self.meter_plots:
            self.meter_plots.update(Meter.objects.filter(pk=meter_id).values_list("pk", "plot_id"))
        return {self.meter_plots[meter_id]} if meter_id in self.meter_plots else set()

    def after(self) -> None:
        if self.bulk:
            resum_months(self.resum)
        elif self.months is not None:
            _add_difference(self.before, plots_sums(*self.months, plots=self.plots))


def _changes() -> dict[int, _Change]:
    """The writes under way in this thread, by id of their key (a save in another's receiver nests)."""
    if not hasattr(_local, "changes"):
        _local.changes = {}
    return _local.changes


def _expect(key: object, *, fresh: bool) -> _Change:
    """The write under way for `key` (a save always starts one; a delete's signals join theirs), its
    lock taken, counting one more signal to come. A write that failed between its signals is
    forgotten when its key writes again (in another transaction block), or when too many are left."""
    changes = _changes()
    change = changes.get(id(key))
    block = connection.atomic_blocks[-1] if connection.atomic_blocks else None
    if fresh or change is None or change.key is not key or change.written or change.block is not block:
        if len(changes) > MOST_UNDER_WAY:
            changes.clear()
        import_lock_take()
        change = changes[id(key)] = _Change(key, bulk=isinstance(key, QuerySet), block=block)
    change.waiting += 1
    return change


def _written(key: object) -> None:
    """A row written: after the last one of the write, bring the sums up to date."""
    change = _changes().get(id(key))
    if change is None or change.key is not key:
        return
    change.waiting -= 1
    change.written = True
    if change.waiting <= 0:
        del _changes()[id(key)]
        change.after()


def _add_difference(before: Sums, after: Sums) -> None:
    """Add after − before to the stored rows: an UPDATE per month and feeder that changed (to the
    first row, should there be two), an INSERT where there is no row yet."""
    keys = {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
    for key in keys:
        old, new = before.get(key, PlotsSum()), after.get(key, PlotsSum())
        feeder, index = key
        rows = LineBalanceMonth.objects.filter(feeder_id=feeder, month=month_start(index))
        first = rows.order_by("pk").values("pk")[:1]
        changed = LineBalanceMonth.objects.filter(pk=Subquery(first)).update(
            **{name: F(name) + value for name, value in asdict(_minus(new, old)).items() if value}
        )
        if not changed:  # no row: the month's sum was nought
            LineBalanceMonth.objects.bulk_create(
                [LineBalanceMonth(feeder_id=feeder, month=month_start(index), **asdict(_minus(new, old)))]
            )
    if keys:
        _tell_caches()


def _minus(a: PlotsSum, b: PlotsSum) -> PlotsSum:
    return PlotsSum(a.kwh - b.kwh, a.plots - b.plots, a.estimated - b.estimated, a.missing - b.missing)


def _plots_months(plots: set[int]) -> Months | None:
    """The months the plots' readings touch (one query), None without readings."""
    span = Reading.objects.filter(meter__plot_id__in=plots).aggregate(first=Min("taken_on"), last=Max("taken_on"))
    if span["first"] is None:
        return None
    return month_index(span["first"]) - 1, month_index(span["last"])


def _reading_before_save(sender, instance: Reading, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    change = _expect(instance, fresh=True)
    meters, dates = {instance.meter_id}, [instance.taken_on]
    if not instance._state.adding:
        old = Reading.objects.filter(pk=instance.pk).values_list("meter_id", "taken_on").first()
        if old is not None:
            meters.add(old[0])
            dates.append(old[1])
    months = months_of(dates)
    plots = set().union(*(change.plot_of(meter) for meter in meters))
    change.widen(plots, (min(months), max(months)))


def _reading_before_delete(sender, instance: Reading, origin=None, **kwargs) -> None:
    change = _expect(origin, fresh=False)
    if change.bulk:  # a queryset deleted: its months summed again after, in one pass
        change.resum |= months_of([instance.taken_on])
    elif instance.meter_id is not None:
        change.take(change.plot_of(instance.meter_id))


def _skips(update_fields, name: str) -> bool:
    return update_fields is not None and not {name, f"{name}_id"} & set(update_fields)


def _meter_before_save(sender, instance: Meter, raw: bool = False, update_fields=None, **kwargs) -> None:
    if raw or instance._state.adding or _skips(update_fields, "plot"):
        return
    change = _expect(instance, fresh=True)
    old = Meter.objects.filter(pk=instance.pk).values_list("plot_id", flat=True).first()
    if old is not None and old != instance.plot_id:
        change.take({old, instance.plot_id})


def _plot_before_save(sender, instance: Plot, raw: bool = False, update_fields=None, **kwargs) -> None:
    if raw or instance._state.adding or _skips(update_fields, "main_meter"):
        return
    change = _expect(instance, fresh=True)
    old = Plot.objects.filter(pk=instance.pk).values_list("main_meter_id", flat=True).first()
    if old != instance.main_meter_id:
        change.take({instance.pk})


def _plots_before_delete(sender, instance: Meter | Plot | MainMeter, origin=None, **kwargs) -> None:
    """A meter or plot deleted (its readings go with it and send their own signals), or a feeder
    meter (its plots are left on none)."""
    change = _expect(origin, fresh=False)
    if sender is MainMeter:
        plots = set(Plot.objects.filter(main_meter=instance).values_list("pk", flat=True))
    else:
        plots = {instance.pk if sender is Plot else instance.plot_id}
    if not change.bulk:
        change.take(plots)
    elif sender is MainMeter and (months := _plots_months(plots)) is not None:
        change.resum.update(range(months[0], months[1] + 1))


def _after_save(sender, instance, raw: bool = False, **kwargs) -> None:
    if not raw:
        _written(instance)


def _after_delete(sender, instance, origin=None, **kwargs) -> None:
    _written(origin)


def connect() -> None:
    """Called once by BillingConfig.ready."""
    before_save = {Reading: _reading_before_save, Meter: _meter_before_save, Plot: _plot_before_save}
    for model, receiver in before_save.items():
        uid = f"billing.line_sums.{model._meta.model_name}"
        pre_save.connect(receiver, sender=model, dispatch_uid=f"{uid}.pre_save", weak=False)
        post_save.connect(_after_save, sender=model, dispatch_uid=f"{uid}.post_save", weak=False)
    before_delete = {Reading: _reading_before_delete, Meter: _plots_before_delete, Plot: _plots_before_delete}
    before_delete[MainMeter] = _plots_before_delete
    for model, receiver in before_delete.items():
        uid = f"billing.line_sums.{model._meta.model_name}"
        pre_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}.pre_delete", weak=False)
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"{uid}.post_delete", weak=False)
