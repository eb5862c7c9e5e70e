"""The plot registry: «Участок, Улица, Площадь, Электрификация, Новый счетчик[, Тип счетчика, ФИО, Email,
Телефон]», keyed by plot number; every plot gets a current meter."""

from datetime import date
from decimal import Decimal

from django.db.models import F

from billing.models import ImportBatch, Meter, Plot

from .report import CHANGED, NEW, UNCHANGED, Plan, PreviewRow, changed_value
from .tables import Table
from .values import RowReader, format_decimal, normalize_yes_no, shown

REQUIRED = ["Участок", "Улица", "Площадь", "Электрификация", "Новый счетчик"]
OPTIONAL = ["Тип счетчика", "ФИО", "Email", "Телефон"]

# column -> Plot field, for the optional columns present in the file
_OPTIONAL_FIELDS = {"ФИО": "owner_name", "Email": "owner_email", "Телефон": "owner_phone"}
_METER_KINDS = {Meter.Kind.SINGLE: "однотарифный", Meter.Kind.TWO_ZONE: "двухтарифный"}


def _yes_no(value: bool) -> str:
    return "Да" if value else "Нет"


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


def _shown(field: str, value) -> str:
    if field == "area":
        return format_decimal(value)
    if isinstance(value, bool):
        return _yes_no(value)
    return str(value)


_COLUMNS = {
    "street": "Улица",
    "area": "Площадь",
    "electrified": "Электрификация",
    "has_new_meter": "Новый счетчик",
    "owner_name": "ФИО",
    "owner_email": "Email",
    "owner_phone": "Телефон",
}


def plan_plots(*, table: Table, as_of: date | None, today: date) -> Plan:
    plan = Plan(as_of=as_of)
    errors = plan.errors
    optional = {column: name for column, name in _OPTIONAL_FIELDS.items() if column in table.columns}
    has_kind = "Тип счетчика" in table.columns
    parsed = []
    seen: dict[int, int] = {}
    for row, cells in table.rows:
        reader = RowReader(row=row, cells=cells, errors=errors, today=today, dates={})
        number = reader.plot_number()
        fields = {
            "street": reader.text("Улица", max_length=100),
            "area": reader.money("Площадь", limit=Decimal("999999.99")),
            "electrified": reader.boolean("Электрификация"),
            "has_new_meter": reader.boolean("Новый счетчик"),
        }
        if "ФИО" in optional:
            fields["owner_name"] = reader.text("ФИО")
        if "Email" in optional:
            fields["owner_email"] = reader.email("Email")
        if "Телефон" in optional:
            fields["owner_phone"] = reader.phone("Телефон")
        kind = _meter_kind(reader) if has_kind else None
        if number is not None and number in seen:
            reader.error("Участок", f"участок {number} уже есть в строке {seen[number]}.")
        elif number is not None:
            seen[number] = row
        if not reader.failed:
            parsed.append((row, number, fields, kind))
    if errors or not parsed:
        return plan

    numbers = [item[1] for item in parsed]
    plots = {plot.number: plot for plot in Plot.objects.filter(number__in=numbers)}
    meters: dict[int, Meter] = {}
    current = Meter.objects.filter(plot__number__in=numbers, removed_on__isnull=True).order_by(
        F("installed_on").asc(nulls_first=True), "pk"
    )
    for meter in current:
        meters[meter.plot_id] = meter

    new_plots: list[tuple[Plot, str]] = []
    changed_plots: list[Plot] = []
    meters_for_existing: list[Meter] = []
    changed_meters: list[Meter] = []
    for row, number, fields, kind in parsed:
        values = {"Участок": str(number)}
        values.update({_COLUMNS[field]: _shown(field, value) for field, value in fields.items()})
        plot = plots.get(number)
        if plot is None:
            new_plots.append((Plot(number=number, **fields), kind or Meter.Kind.TWO_ZONE))
            if has_kind:
                values["Тип счетчика"] = _METER_KINDS[kind or Meter.Kind.TWO_ZONE]
            plan.rows.append(PreviewRow(row=row, status=NEW, values=values))
            continue
        status = UNCHANGED
        for field, value in fields.items():
            if getattr(plot, field) != value:
                values[_COLUMNS[field]] = changed_value(_shown(field, value), _shown(field, getattr(plot, field)))
                setattr(plot, field, value)
                status = CHANGED
        if status == CHANGED:
            changed_plots.append(plot)
        meter = meters.get(plot.pk)
        if meter is None:
            meters_for_existing.append(Meter(plot=plot, kind=kind or Meter.Kind.TWO_ZONE))
            status = CHANGED
            if has_kind:
                values["Тип счетчика"] = f"{_METER_KINDS[kind or Meter.Kind.TWO_ZONE]} (новый счётчик)"
        elif kind and meter.kind != kind:
            values["Тип счетчика"] = changed_value(_METER_KINDS[kind], _METER_KINDS[meter.kind])
            meter.kind = kind
            changed_meters.append(meter)
            status = CHANGED
        elif has_kind:
            values["Тип счетчика"] = _METER_KINDS[meter.kind]
        plan.rows.append(PreviewRow(row=row, status=status, values=values))

    update_fields = ["street", "area", "electrified", "has_new_meter", *optional.values()]

    def write(batch: ImportBatch) -> None:
        created = Plot.objects.bulk_create([plot for plot, _ in new_plots])
        Plot.objects.bulk_update(changed_plots, update_fields)
        new_meters = [Meter(plot=plot, kind=kind) for plot, (_, kind) in zip(created, new_plots, strict=True)]
        Meter.objects.bulk_create(new_meters + meters_for_existing)
        Meter.objects.bulk_update(changed_meters, ["kind"])

    plan.write = write
    return plan
