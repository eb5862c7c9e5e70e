"""The plot registry: «Участок, Улица, Площадь, Электрификация, Новый счетчик[, Тип счетчика, ФИО, Email,
Телефон, Кадастровый номер]», keyed by plot number; every plot gets a current meter."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import F

from billing.models import ImportBatch, Meter, Plot
from billing.validators import CADASTRAL_ERROR, CADASTRAL_RE

from .base import FileRow, Importer
from .report import CHANGED, NEW, UNCHANGED, PreviewRow, changed_value
from .values import RowReader, format_decimal, normalize_yes_no, shown

# column -> Plot field, for the optional columns present in the file
_OPTIONAL_FIELDS = {
    "ФИО": "owner_name",
    "Email": "owner_email",
    "Телефон": "owner_phone",
    "Кадастровый номер": "cadastral_number",
}
_METER_KINDS = {Meter.Kind.SINGLE: "однотарифный", Meter.Kind.TWO_ZONE: "двухтарифный"}
_COLUMNS = {
    "street": "Улица",
    "area": "Площадь",
    "electrified": "Электрификация",
    "has_new_meter": "Новый счетчик",
    "owner_name": "ФИО",
    "owner_email": "Email",
    "owner_phone": "Телефон",
    "cadastral_number": "Кадастровый номер",
}


@dataclass
class PlotRow(FileRow):
    number: int
    fields: dict[str, Any]  # Plot field -> value, for the columns in the file
    meter_kind: str | None  # None: the column is absent or empty


def _meter_kind(reader: RowReader) -> str | None:
    text = normalize_yes_no(reader.cells.get("Тип счетчика")).replace("ё", "е")
    if not text:
        return None
    if text.startswith(("одно", "1")):
        return Meter.Kind.SINGLE
    if text.startswith(("двух", "2")):
        return Meter.Kind.TWO_ZONE
    typed = shown(reader.cells.get("Тип счетчика"))
    reader.error("Тип счетчика", f"нужно «однотарифный» или «двухтарифный» ({typed}).")
    return None


def _cadastral_number(reader: RowReader) -> str:
    text = reader.text("Кадастровый номер", max_length=40)
    if text and not CADASTRAL_RE.fullmatch(text):
        reader.error("Кадастровый номер", f"{CADASTRAL_ERROR} ({text})")
    return text


def _shown(field: str, value) -> str:
    if field == "area":
        return format_decimal(value)
    if isinstance(value, bool):
        return "Да" if value else "Нет"
    return str(value)


@dataclass
class _Changes:
    new_plots: list[tuple[Plot, str]] = field(default_factory=list)  # with their meter kind
    plots: list[Plot] = field(default_factory=list)
    meters_for_existing: list[Meter] = field(default_factory=list)
    meters: list[Meter] = field(default_factory=list)


class PlotsImporter(Importer[PlotRow]):
    kind = ImportBatch.Kind.PLOTS
    label = ImportBatch.Kind.PLOTS.label
    required = ["Участок", "Улица", "Площадь", "Электрификация", "Новый счетчик"]
    optional = ["Тип счетчика", "ФИО", "Email", "Телефон", "Кадастровый номер"]
    model = Plot
    resolve_despite_cell_errors = False

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._seen: dict[int, int] = {}  # plot number -> the row that named it first
        self.plots: dict[int, Plot] = {}
        self.meters: dict[int, Meter] = {}  # current meter by plot id
        self.changes = _Changes()

    def parse(self, reader: RowReader) -> PlotRow:
        number = reader.plot_number()
        fields = {
            "street": reader.text("Улица", max_length=100),
            "area": reader.money("Площадь", limit=Decimal("999999.99")),
            "electrified": reader.boolean("Электрификация"),
            "has_new_meter": reader.boolean("Новый счетчик"),
        }
        if self.has("ФИО"):
            fields["owner_name"] = reader.text("ФИО")
        if self.has("Email"):
            fields["owner_email"] = reader.email("Email")
        if self.has("Телефон"):
            fields["owner_phone"] = reader.phone("Телефон")
        if self.has("Кадастровый номер"):
            fields["cadastral_number"] = _cadastral_number(reader)
        kind = _meter_kind(reader) if self.has("Тип счетчика") else None
        if number is not None and (earlier := self.earlier_row(self._seen, number, reader.row)) is not None:
            reader.error("Участок", f"участок {number} уже есть в строке {earlier}.")
        return PlotRow(row=reader.row, number=number, fields=fields, meter_kind=kind)

    def resolve(self, rows: list[PlotRow]) -> list[PlotRow]:
        numbers = [row.number for row in rows]
        self.plots = {plot.number: plot for plot in Plot.objects.filter(number__in=numbers)}
        current = Meter.objects.filter(plot__number__in=numbers, removed_on__isnull=True).order_by(
            F("installed_on").asc(nulls_first=True), "pk"
        )
        for meter in current:
            self.meters[meter.plot_id] = meter
        return rows

    def diff(self, row: PlotRow) -> PreviewRow:
        values = {"Участок": str(row.number)}
        values.update({_COLUMNS[name]: _shown(name, value) for name, value in row.fields.items()})
        kind = row.meter_kind or Meter.Kind.TWO_ZONE
        plot = self.plots.get(row.number)
        if plot is None:
            self.changes.new_plots.append((Plot(number=row.number, **row.fields), kind))
            if self.has("Тип счетчика"):
                values["Тип счетчика"] = _METER_KINDS[kind]
            return PreviewRow(row=row.row, status=NEW, values=values)
        status = UNCHANGED
        for name, value in row.fields.items():
            if getattr(plot, name) != value:
                values[_COLUMNS[name]] = changed_value(_shown(name, value), _shown(name, getattr(plot, name)))
                setattr(plot, name, value)
                status = CHANGED
        if status == CHANGED:
            self.changes.plots.append(plot)
        if self._diff_meter(plot, row.meter_kind, values):
            status = CHANGED
        return PreviewRow(row=row.row, status=status, values=values)

    def _diff_meter(self, plot: Plot, kind: str | None, values: dict[str, str]) -> bool:
        """The plot's current meter: a new one if it has none, its kind if the file names another."""
        meter = self.meters.get(plot.pk)
        if meter is None:
            self.changes.meters_for_existing.append(Meter(plot=plot, kind=kind or Meter.Kind.TWO_ZONE))
            if self.has("Тип счетчика"):
                values["Тип счетчика"] = f"{_METER_KINDS[kind or Meter.Kind.TWO_ZONE]} (новый счётчик)"
            return True
        if kind and meter.kind != kind:
            values["Тип счетчика"] = changed_value(_METER_KINDS[kind], _METER_KINDS[meter.kind])
            meter.kind = kind
            self.changes.meters.append(meter)
            return True
        if self.has("Тип счетчика"):
            values["Тип счетчика"] = _METER_KINDS[meter.kind]
        return False

    def write(self, batch: ImportBatch) -> None:
        changes = self.changes
        update_fields = ["street", "area", "electrified", "has_new_meter"]
        update_fields += [name for column, name in _OPTIONAL_FIELDS.items() if self.has(column)]
        created = Plot.objects.bulk_create([plot for plot, _ in changes.new_plots])
        Plot.objects.bulk_update(changes.plots, update_fields)
        kinds = [kind for _, kind in changes.new_plots]
        new_meters = [Meter(plot=plot, kind=kind) for plot, kind in zip(created, kinds, strict=True)]
        Meter.objects.bulk_create(new_meters + changes.meters_for_existing)
        Meter.objects.bulk_update(changes.meters, ["kind"])
