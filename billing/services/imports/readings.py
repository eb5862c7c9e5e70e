"""Meter readings: «Участок, Дата, День, Ночь[, Счетчик]», keyed by meter + date.

A file row for the date of an estimated reading replaces the estimate (the report says how many);
a file row below an estimate of an earlier date lowers that estimate to the real value instead of
being refused, since the estimate was only a guess (the report says so too)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from django.db.models import F, Window
from django.db.models.functions import RowNumber

from billing.line_sums import months_of, resum_months
from billing.models import ImportBatch, Meter, Plot, Reading

from .base import FileRow, Importer
from .report import CHANGED, NEW, UNCHANGED, PreviewRow, RowError, changed_value
from .values import RowReader, format_date

MeterRef = tuple[int, str]  # meter id, kind
StoredReading = tuple[int, int, int, str]  # reading id, day, night, source
# meter id -> date -> (day, night, the file row or None for a stored reading, the stored estimate's id or None)
Timeline = dict[int, dict[date, tuple[int, int, int | None, int | None]]]


@dataclass
class ReadingRow(FileRow):
    number: int
    taken_on: date
    day: int
    night: int | None  # None: empty cell (a single-zone meter)
    serial: str
    meter_id: int = 0  # resolved


def _meters(numbers: set[int]) -> tuple[dict[int, int], dict[int, MeterRef], dict[tuple[int, str], MeterRef]]:
    """Plot ids by number, each plot's current meter and meters by serial, in two queries."""
    plot_ids = dict(Plot.objects.filter(number__in=numbers).values_list("number", "id"))
    current: dict[int, MeterRef] = {}
    by_serial: dict[tuple[int, str], MeterRef] = {}
    meters = (
        Meter.objects.filter(plot__number__in=numbers)
        .order_by(F("installed_on").asc(nulls_first=True), "pk")
        .values_list("id", "plot_id", "kind", "serial", "removed_on")
    )
    for meter_id, plot_id, kind, serial, removed_on in meters:
        if removed_on is None:
            current[plot_id] = (meter_id, kind)
        if serial:
            by_serial[(plot_id, serial.strip().lower())] = (meter_id, kind)
    return plot_ids, current, by_serial


def _existing(meter_ids: set[int], first_date: date) -> list[tuple[int, int, date, int, int, str]]:
    """Readings on or after the file's first date, plus each meter's last one before it."""
    columns = ("id", "meter_id", "taken_on", "day", "night", "source")
    recent = Reading.objects.filter(meter_id__in=meter_ids, taken_on__gte=first_date).values_list(*columns)
    previous = (
        Reading.objects.filter(meter_id__in=meter_ids, taken_on__lt=first_date)
        .annotate(rank=Window(RowNumber(), partition_by=[F("meter_id")], order_by=F("taken_on").desc()))
        .filter(rank=1)
        .values_list(*columns)
    )
    return [*previous, *recent]


class ReadingsImporter(Importer[ReadingRow]):
    kind = ImportBatch.Kind.READINGS
    label = ImportBatch.Kind.READINGS.label
    required = ["Участок", "Дата", "День", "Ночь"]
    optional = ["Счетчик"]
    model = Reading

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.existing: dict[tuple[int, date], StoredReading] = {}
        self.to_create: list[ReadingRow] = []
        self.to_update: list[tuple[int, ReadingRow]] = []  # stored reading id, the row
        self.estimates_replaced = 0
        self.members_replaced = 0  # a member's accepted reading the file corrects: the file wins
        self.estimates_lowered: dict[int, tuple[int, int]] = {}  # stored estimate id -> (day, night)

    def parse(self, reader: RowReader) -> ReadingRow:
        return ReadingRow(
            row=reader.row,
            number=reader.plot_number(),
            taken_on=reader.date("Дата"),
            day=reader.integer("День"),
            night=reader.integer("Ночь", required=False),
            serial=reader.text("Счетчик") if self.has("Счетчик") else "",
        )

    def resolve(self, rows: list[ReadingRow]) -> list[ReadingRow]:
        plot_ids, current, by_serial = _meters({row.number for row in rows})
        resolved = []
        seen: dict[tuple[int, date], int] = {}
        for row in rows:
            meter = self._meter(row, plot_ids, current, by_serial)
            if meter is None:
                continue
            row.meter_id, kind = meter
            if kind == Meter.Kind.TWO_ZONE and row.night is None:
                self.error(row.row, "Ночь", "у двухтарифного счётчика нужно показание «Ночь».")
                continue
            if kind == Meter.Kind.SINGLE and row.night:
                self.error(row.row, "Ночь", "у однотарифного счётчика нет ночной зоны: оставьте ячейку пустой.")
                continue
            key = (row.meter_id, row.taken_on)
            if (earlier := self.earlier_row(seen, key, row.row)) is not None:
                message = (
                    f"повтор: показание счётчика участка {row.number} на {format_date(row.taken_on)} "
                    f"уже есть в строке {earlier}."
                )
                self.error(row.row, "Дата", message)
                continue
            row.night = row.night or 0
            resolved.append(row)
        if resolved:
            self._load_existing(resolved)
        return resolved

    def _meter(self, row: ReadingRow, plot_ids, current, by_serial) -> MeterRef | None:
        """The meter a row is for: named by its serial, or the plot's current one."""
        plot_id = plot_ids.get(row.number)
        if plot_id is None:
            self.error(row.row, "Участок", f"участка {row.number} нет в реестре.")
            return None
        if row.serial:
            meter = by_serial.get((plot_id, row.serial.lower()))
            if meter is None:
                self.error(row.row, "Счетчик", f"у участка {row.number} нет счётчика с номером «{row.serial}».")
            return meter
        meter = current.get(plot_id)
        if meter is None:
            message = f"у участка {row.number} нет счётчика; сначала загрузите реестр участков."
            self.error(row.row, "Участок", message)
        return meter

    def _load_existing(self, rows: list[ReadingRow]) -> None:
        """What is stored around the file's dates, and the check that no reading goes down."""
        timeline: Timeline = defaultdict(dict)
        first_date = min(row.taken_on for row in rows)
        rows_ids = {row.meter_id for row in rows}
        for reading_id, meter_id, taken_on, day, night, source in _existing(rows_ids, first_date):
            self.existing[(meter_id, taken_on)] = (reading_id, day, night, source)
            estimate = reading_id if source == Reading.Source.ESTIMATE else None
            timeline[meter_id][taken_on] = (day, night, None, estimate)
        for row in rows:
            timeline[row.meter_id][row.taken_on] = (row.day, row.night, row.row, None)
        _check_order(timeline, self.errors, self.estimates_lowered)
        if self.estimates_lowered:
            self.notices.append(
                f"Расчётных показаний снижено до фактических: {len(self.estimates_lowered)} "
                "(фактическое показание в файле меньше расчётного на более раннюю дату)."
            )
        self.shown_dates = {taken_on: format_date(taken_on) for taken_on in {row.taken_on for row in rows}}

    def diff(self, row: ReadingRow) -> PreviewRow:
        values = {
            "Участок": str(row.number),
            "Дата": self.shown_dates[row.taken_on],
            "День": str(row.day),
            "Ночь": str(row.night),
        }
        if self.has("Счетчик"):
            values["Счетчик"] = row.serial
        old = self.existing.get((row.meter_id, row.taken_on))
        if old is None:
            self.to_create.append(row)
            return PreviewRow(row=row.row, status=NEW, values=values)
        if old[3] == Reading.Source.ESTIMATE:
            self.estimates_replaced += 1
        elif (old[1], old[2]) == (row.day, row.night):
            return PreviewRow(row=row.row, status=UNCHANGED, values=values)
        elif old[3] == Reading.Source.MEMBER:
            self.members_replaced += 1
        values["День"] = changed_value(str(row.day), str(old[1]))
        values["Ночь"] = changed_value(str(row.night), str(old[2]))
        self.to_update.append((old[0], row))
        return PreviewRow(row=row.row, status=CHANGED, values=values)

    def batch_date(self, *, parsed: list[ReadingRow], resolved: list[ReadingRow]) -> date | None:
        """The newest reading of the file, unless the treasurer named a date."""
        if self.estimates_replaced:  # diff has seen every row by now
            self.notices.append(f"Расчётных показаний заменено показаниями из файла: {self.estimates_replaced}.")
        if self.members_replaced:
            self.notices.append(
                f"Показаний, переданных садоводами, заменено показаниями из файла: {self.members_replaced}."
            )
        if not resolved:
            return None
        return self.given_as_of or max(row.taken_on for row in resolved)

    def write(self, batch: ImportBatch) -> None:
        Reading.objects.bulk_create(
            Reading(meter_id=row.meter_id, taken_on=row.taken_on, day=row.day, night=row.night, batch=batch)
            for row in self.to_create
        )
        source = Reading.Source.IMPORT
        Reading.objects.bulk_update(
            [Reading(pk=pk, day=row.day, night=row.night, source=source, batch=batch) for pk, row in self.to_update],
            ["day", "night", "source", "batch"],
        )
        Reading.objects.bulk_update(
            [Reading(pk=pk, day=day, night=night) for pk, (day, night) in self.estimates_lowered.items()],
            ["day", "night"],
        )
        # bulk writes send no signals: the line balance's months they touched are summed again, in one pass
        dates = {row.taken_on for row in self.to_create} | {row.taken_on for _, row in self.to_update}
        if self.estimates_lowered:
            lowered = Reading.objects.filter(pk__in=list(self.estimates_lowered)).values_list("taken_on", flat=True)
            dates.update(lowered)
        resum_months(months_of(dates))


def _check_order(timeline: Timeline, errors: list[RowError], lowered: dict[int, tuple[int, int]]) -> None:
    """Readings never go down: each file row is checked against its neighbours, in the file or the
    database. A stored estimate above the file row after it is lowered to it (into `lowered`)."""
    for points in timeline.values():
        for (date0, point0), (date1, point1) in pairwise(sorted(points.items())):
            (day0, night0, row0, estimate0), (day1, night1, row1, _) = point0, point1
            if row0 is None and row1 is None:
                continue
            if estimate0 is not None and row1 is not None and (day1 < day0 or night1 < night0):
                lowered[estimate0] = (min(day0, day1), min(night0, night1))
                continue
            for column, before, after in (("День", day0, day1), ("Ночь", night0, night1)):
                if after >= before:
                    continue
                if row1 is not None:
                    where = f", строка {row0}" if row0 is not None else ""
                    message = f"показание {after} меньше предыдущего {before} ({format_date(date0)}{where})."
                    errors.append(RowError(row1, column, message))
                else:
                    message = f"показание {before} больше следующего {after} (уже загружено на {format_date(date1)})."
                    errors.append(RowError(row0, column, message))
