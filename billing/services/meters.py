"""Meter replacement: the old meter's final reading and removal date, the new meter with its
initial reading installed the same day, in one transaction. The period arithmetic
(services.electricity.plot_periods) then counts both: the old meter up to its final reading,
the new one from its initial reading."""

import datetime
from dataclasses import dataclass

from django.db import transaction

from billing.models import Meter, Reading
from billing.services.locks import import_lock_take
from billing.signals import ledger_changed


class ReplacementRefused(ValueError):
    """The replacement cannot be made; `field` names the form field the message belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Replacement:
    old_meter_id: int
    on: datetime.date
    final_day: int
    final_night: int
    serial: str
    kind: str
    initial_day: int
    initial_night: int


def _last_reading_checked(old: Meter, r: Replacement) -> Reading | None:
    """The old meter's last reading must not be after the replacement nor above the final one;
    returned when it falls on the replacement's date (the final reading then takes its place)."""
    last = old.readings.order_by("-taken_on").first()
    if last is None:
        return None
    if r.on < last.taken_on:
        raise ReplacementRefused(
            f"Дата замены раньше последнего показания старого счётчика ({last.taken_on:%d.%m.%Y}).", "on"
        )
    for zone, value, before in (("final_day", r.final_day, last.day), ("final_night", r.final_night, last.night)):
        if value < before:
            raise ReplacementRefused(
                f"Конечное показание {value} меньше последнего {before} ({last.taken_on:%d.%m.%Y}).", zone
            )
    return last if r.on == last.taken_on else None


def replace_meter(replacement: Replacement, *, today: datetime.date) -> Meter:
    """Removes the old meter with its final reading and installs the new one; ReplacementRefused
    (in Russian) when the date or the readings do not fit what is stored."""
    r = replacement
    serial = r.serial.strip()
    if not serial:
        raise ReplacementRefused("Укажите заводской номер нового счётчика.", "serial")
    if r.kind not in Meter.Kind.values:
        raise ReplacementRefused("Выберите тип нового счётчика.", "kind")
    if r.on > today:
        raise ReplacementRefused(f"Дата замены {r.on:%d.%m.%Y} ещё не наступила.", "on")
    with transaction.atomic():
        import_lock_take()
        old = Meter.objects.select_for_update().select_related("plot").filter(pk=r.old_meter_id).first()
        if old is None:
            raise ReplacementRefused("Такого счётчика нет.", "meter")
        if old.removed_on is not None:
            raise ReplacementRefused(f"Этот счётчик уже снят {old.removed_on:%d.%m.%Y}.", "meter")
        if old.installed_on is not None and r.on < old.installed_on:
            raise ReplacementRefused(
                f"Дата замены раньше установки старого счётчика ({old.installed_on:%d.%m.%Y}).", "on"
            )
        if not old.is_two_zone and r.final_night:
            raise ReplacementRefused(
                "У однотарифного счётчика нет ночной зоны: оставьте «ночь» пустой.", "final_night"
            )
        if r.kind == Meter.Kind.SINGLE and r.initial_night:
            raise ReplacementRefused(
                "У однотарифного счётчика нет ночной зоны: оставьте «ночь» пустой.", "initial_night"
            )
        if Meter.objects.filter(plot_id=old.plot_id, serial__iexact=serial).exists():
            raise ReplacementRefused(f"У участка {old.plot.number} уже есть счётчик № {serial}.", "serial")
        same_day = _last_reading_checked(old, r)
        if same_day is not None:
            same_day.day, same_day.night, same_day.source = r.final_day, r.final_night, Reading.Source.MANUAL
            same_day.save(update_fields=["day", "night", "source"])
        else:
            Reading.objects.create(
                meter=old, taken_on=r.on, day=r.final_day, night=r.final_night, source=Reading.Source.MANUAL
            )
        old.removed_on = r.on
        old.save(update_fields=["removed_on"])
        new = Meter.objects.create(plot_id=old.plot_id, kind=r.kind, serial=serial, installed_on=r.on)
        Reading.objects.create(
            meter=new, taken_on=r.on, day=r.initial_day, night=r.initial_night, source=Reading.Source.MANUAL
        )
        transaction.on_commit(lambda: ledger_changed.send(sender=Meter))
    return new
