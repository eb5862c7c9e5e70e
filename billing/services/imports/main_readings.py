"""Readings of the main meters: «Счетчик, Дата, День[, Ночь]», keyed by main meter + date. The
«Счетчик» cell names a main meter by its name or its serial (case and spaces aside)."""

from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from billing.models import ImportBatch, MainMeter, MainReading

from .base import FileRow, Importer
from .report import CHANGED, NEW, UNCHANGED, PreviewRow, changed_value
from .values import RowReader, format_date


@dataclass
class MainReadingRow(FileRow):
    meter_text: str
    taken_on: date
    day: int
    night: int
    meter_id: int = 0  # resolved


def _key(text: str) -> str:
    return " ".join(text.split()).lower()


class MainReadingsImporter(Importer[MainReadingRow]):
    kind = ImportBatch.Kind.MAIN_READINGS
    label = ImportBatch.Kind.MAIN_READINGS.label
    required = ["Счетчик", "Дата", "День"]
    optional = ["Ночь"]
    model = MainReading

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.existing: dict[tuple[int, date], tuple[int, int, int]] = {}
        self.to_create: list[MainReadingRow] = []
        self.to_update: list[tuple[int, MainReadingRow]] = []

    def parse(self, reader: RowReader) -> MainReadingRow:
        return MainReadingRow(
            row=reader.row,
            meter_text=reader.text("Счетчик", required=True, max_length=100),
            taken_on=reader.date("Дата"),
            day=reader.integer("День"),
            night=(reader.integer("Ночь", required=False) or 0) if self.has("Ночь") else 0,
        )

    def resolve(self, rows: list[MainReadingRow]) -> list[MainReadingRow]:
        meters: dict[str, int] = {}
        for pk, name, serial in MainMeter.objects.values_list("pk", "name", "serial"):
            meters[_key(name)] = pk
            if serial:
                meters.setdefault(_key(serial), pk)
        resolved, seen = [], {}
        for row in rows:
            meter_id = meters.get(_key(row.meter_text))
            if meter_id is None:
                self.error(
                    row.row, "Счетчик", f"общего счётчика «{row.meter_text}» нет: добавьте его в «Общие счётчики»."
                )
                continue
            row.meter_id = meter_id
            if (earlier := self.earlier_row(seen, (meter_id, row.taken_on), row.row)) is not None:
                self.error(
                    row.row, "Дата", f"повтор: показание на {format_date(row.taken_on)} уже есть в строке {earlier}."
                )
                continue
            resolved.append(row)
        if resolved:
            stored = MainReading.objects.filter(main_meter_id__in={r.meter_id for r in resolved}).values_list(
                "pk", "main_meter_id", "taken_on", "day", "night"
            )
            timeline: dict[int, dict[date, tuple[int, int, int | None]]] = {}
            for pk, meter_id, taken_on, day, night in stored:
                self.existing[(meter_id, taken_on)] = (pk, day, night)
                timeline.setdefault(meter_id, {})[taken_on] = (day, night, None)
            for row in resolved:
                timeline.setdefault(row.meter_id, {})[row.taken_on] = (row.day, row.night, row.row)
            for points in timeline.values():
                for (date0, (day0, night0, row0)), (_, (day1, night1, row1)) in pairwise(sorted(points.items())):
                    if row1 is not None and (day1 < day0 or night1 < night0):
                        where = f", строка {row0}" if row0 is not None else ""
                        self.error(row1, "День", f"показание меньше предыдущего ({format_date(date0)}{where}).")
                    elif row1 is None and row0 is not None and (day1 < day0 or night1 < night0):
                        self.error(row0, "День", "показание больше следующего, уже загруженного.")
        return resolved

    def diff(self, row: MainReadingRow) -> PreviewRow:
        values = {"Счетчик": row.meter_text, "Дата": format_date(row.taken_on), "День": str(row.day)}
        if self.has("Ночь"):
            values["Ночь"] = str(row.night)
        old = self.existing.get((row.meter_id, row.taken_on))
        if old is None:
            self.to_create.append(row)
            return PreviewRow(row=row.row, status=NEW, values=values)
        if (old[1], old[2]) == (row.day, row.night):
            return PreviewRow(row=row.row, status=UNCHANGED, values=values)
        values["День"] = changed_value(str(row.day), str(old[1]))
        if self.has("Ночь"):
            values["Ночь"] = changed_value(str(row.night), str(old[2]))
        self.to_update.append((old[0], row))
        return PreviewRow(row=row.row, status=CHANGED, values=values)

    def write(self, batch: ImportBatch) -> None:
        source = MainReading.Source.IMPORT
        MainReading.objects.bulk_create(
            MainReading(
                main_meter_id=r.meter_id, taken_on=r.taken_on, day=r.day, night=r.night, source=source, batch=batch
            )
            for r in self.to_create
        )
        MainReading.objects.bulk_update(
            [MainReading(pk=pk, day=r.day, night=r.night, source=source, batch=batch) for pk, r in self.to_update],
            ["day", "night", "source", "batch"],
        )
