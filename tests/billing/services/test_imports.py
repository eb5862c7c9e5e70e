"""Readings import and the file-level checks every kind shares, on the sample files in tests/files."""

import datetime
from pathlib import Path

import pytest

from billing.models import ImportBatch, Meter, Reading
from billing.services import imports
from billing.services.imports import Kind, RowError, run_import
from tests.factories import MeterFactory, PlotFactory, ReadingFactory

FILES = Path(__file__).resolve().parents[2] / "files"

pytestmark = pytest.mark.django_db


def _file(name: str) -> bytes:
    return (FILES / name).read_bytes()


def _import(name: str, *, kind: str = Kind.READINGS, commit: bool = True, content: bytes | None = None, **kwargs):
    content = _file(name) if content is None else content
    return run_import(kind=kind, file_name=name, content=content, commit=commit, **kwargs)


@pytest.fixture
def meters():
    """Plots 269 and 270 with two-zone meters, 271 with a single-zone one."""
    return {
        269: MeterFactory(plot=PlotFactory(number=269), kind=Meter.Kind.TWO_ZONE),
        270: MeterFactory(plot=PlotFactory(number=270), kind=Meter.Kind.TWO_ZONE),
        271: MeterFactory(plot=PlotFactory(number=271), kind=Meter.Kind.SINGLE),
    }


def _readings(meter: Meter) -> list[tuple[datetime.date, int, int]]:
    return list(meter.readings.order_by("taken_on").values_list("taken_on", "day", "night"))


@pytest.mark.parametrize("name", ["readings.csv", "readings.xlsx"])
def test_readings_file_imports_every_row(meters, name):
    report = _import(name)

    assert report.ok, [str(error) for error in report.errors]
    assert report.committed
    assert (report.created, report.updated, report.unchanged) == (7, 0, 0)
    assert _readings(meters[269]) == [
        (datetime.date(2022, 4, 1), 9012, 2901),
        (datetime.date(2022, 5, 1), 9012, 2901),
        (datetime.date(2022, 6, 1), 9532, 3118),
    ]
    assert _readings(meters[270])[-1] == (datetime.date(2022, 6, 1), 346, 244)
    assert _readings(meters[271]) == [(datetime.date(2022, 6, 1), 1500, 0)]
    batch = ImportBatch.objects.get()
    assert (batch.kind, batch.file_name, batch.sha256) == (Kind.READINGS, name, report.sha256)
    assert (batch.rows_total, batch.rows_created, batch.rows_updated, batch.rows_unchanged) == (7, 7, 0, 0)
    assert batch.as_of == datetime.date(2022, 6, 1)
    assert set(Reading.objects.values_list("batch", flat=True)) == {batch.pk}


def test_preview_writes_nothing(meters):
    report = _import("readings.csv", commit=False)

    assert report.ok and not report.committed and report.batch is None
    assert [row.status for row in report.rows] == ["new"] * 7
    assert report.rows[0].row == 2
    assert report.rows[0].values == {"Участок": "269", "Дата": "01.04.2022", "День": "9012", "Ночь": "2901"}
    assert not Reading.objects.exists()
    assert not ImportBatch.objects.exists()


def test_same_file_again_changes_nothing(meters, django_user_model):
    treasurer = django_user_model.objects.create_user(username="treasurer", password="x")
    first = _import("readings.csv", uploaded_by=treasurer)
    before = list(Reading.objects.values_list("pk", "day", "night", "batch"))

    again = _import("readings.csv", uploaded_by=treasurer)

    assert again.duplicate_of == first.batch
    assert not again.committed and again.batch is None
    assert str(again.summary).startswith("Этот файл уже загружен ")
    assert "readings.csv" in again.summary and "treasurer" in again.summary
    assert list(Reading.objects.values_list("pk", "day", "night", "batch")) == before
    assert ImportBatch.objects.count() == 1
    assert ImportBatch.objects.get().uploaded_by == treasurer


def test_corrected_file_updates_changed_rows_in_place(meters):
    first = _import("readings.csv")
    kept = Reading.objects.get(meter=meters[269], taken_on=datetime.date(2022, 6, 1)).pk

    report = _import("readings_corrected.csv", commit=False)
    statuses = {(row.values["Участок"], row.values["Дата"]): row.status for row in report.rows}
    assert statuses[("269", "01.06.2022")] == "changed"
    assert statuses[("269", "01.07.2022")] == "new"
    assert statuses[("270", "01.06.2022")] == "unchanged"
    changed = next(row for row in report.rows if row.status == "changed")
    assert changed.values["День"] == "9540 (было 9532)"
    assert (report.created, report.updated, report.unchanged) == (1, 1, 6)

    report = _import("readings_corrected.csv")

    assert report.committed
    fixed = Reading.objects.get(meter=meters[269], taken_on=datetime.date(2022, 6, 1))
    assert (fixed.pk, fixed.day, fixed.night, fixed.batch) == (kept, 9540, 3120, report.batch)
    unchanged = Reading.objects.get(meter=meters[270], taken_on=datetime.date(2022, 6, 1))
    assert unchanged.batch == first.batch
    assert Reading.objects.count() == 8
    assert (report.batch.rows_created, report.batch.rows_updated, report.batch.rows_unchanged) == (1, 1, 6)


def test_unknown_columns_are_named_in_a_notice(meters):
    content = "Участок;Дата;День;Ночь;Примечание\n269;01.05.2022;9012;2901;снято соседом\n".encode()

    report = _import("notes.csv", content=content, commit=False)

    assert report.ok
    assert report.notices == ["Эти столбцы не загружаются: «Примечание»."]
    assert "Примечание" not in report.rows[0].values


def test_reading_goes_to_the_meter_named_in_the_file(meters):
    old = MeterFactory(plot=meters[269].plot, serial="OLD-1", removed_on=datetime.date(2022, 3, 1))
    content = "Участок;Дата;День;Ночь;Счетчик\n269;01.02.2022;100;50;old-1\n269;01.05.2022;9012;2901;\n".encode()

    report = _import("serial.csv", content=content)

    assert report.ok, [str(error) for error in report.errors]
    assert _readings(old) == [(datetime.date(2022, 2, 1), 100, 50)]
    assert _readings(meters[269]) == [(datetime.date(2022, 5, 1), 9012, 2901)]


def _errors(report) -> list[tuple[int | None, str | None, str]]:
    return [(error.row, error.column, error.message) for error in report.errors]


def _rejected(report) -> None:
    assert not report.ok and not report.committed
    assert not Reading.objects.exists() or Reading.objects.filter(batch__isnull=False).count() == 0
    assert not ImportBatch.objects.exists()


def test_unknown_plot_rejects_the_whole_file(meters):
    report = _import("readings_unknown_plot.csv")

    _rejected(report)
    assert _errors(report) == [(3, "Участок", "участка 9999 нет в реестре.")]
    assert str(report.errors[0]) == "Строка 3, «Участок»: участка 9999 нет в реестре."
    assert not Reading.objects.exists()


def test_missing_required_column(meters):
    report = _import("readings_missing_column.csv")

    _rejected(report)
    assert _errors(report) == [(None, "Ночь", "в файле нет обязательного столбца «Ночь».")]


def test_not_a_number(meters):
    report = _import("readings_not_a_number.csv")

    _rejected(report)
    assert _errors(report) == [(2, "День", "не число (девять тысяч).")]


def test_negative_number(meters):
    report = _import("readings_negative.csv")

    _rejected(report)
    assert _errors(report) == [(2, "День", "отрицательное число (-5).")]


def test_reading_lower_than_the_previous_one_in_the_file(meters):
    report = _import("readings_backwards.csv")

    _rejected(report)
    assert _errors(report) == [(3, "День", "показание 9000 меньше предыдущего 9012 (01.05.2022, строка 2).")]


def test_reading_lower_than_the_previous_one_in_the_database(meters):
    ReadingFactory(meter=meters[269], taken_on=datetime.date(2022, 5, 1), day=9012, night=2901)

    report = _import("readings_backwards_db.csv")

    _rejected(report)
    assert _errors(report) == [(2, "Ночь", "показание 2800 меньше предыдущего 2901 (01.05.2022).")]


def test_reading_higher_than_the_next_one_in_the_database(meters):
    ReadingFactory(meter=meters[269], taken_on=datetime.date(2022, 6, 1), day=9532, night=3118)
    content = "Участок;Дата;День;Ночь\n269;01.05.2022;9600;2901\n".encode()

    report = _import("between.csv", content=content)

    assert _errors(report) == [(2, "День", "показание 9600 больше следующего 9532 (уже загружено на 01.06.2022).")]


def test_date_in_the_future(meters):
    report = _import("readings_future_date.csv")

    _rejected(report)
    assert _errors(report) == [(2, "Дата", "дата в будущем (01.01.2099).")]
    assert str(report.errors[0]) == "Строка 2, «Дата»: дата в будущем (01.01.2099)."


def test_unparsable_date(meters):
    report = _import("readings_bad_date.csv")

    _rejected(report)
    assert _errors(report) == [(2, "Дата", "непонятная дата (32.13.2022); нужен формат ДД.ММ.ГГГГ.")]


def test_duplicate_row_for_the_same_meter_and_date(meters):
    report = _import("readings_duplicate.csv")

    _rejected(report)
    assert _errors(report) == [
        (4, "Дата", "повтор: показание счётчика участка 269 на 01.05.2022 уже есть в строке 2.")
    ]


def test_two_zone_reading_without_night(meters):
    report = _import("readings_missing_night.csv")

    _rejected(report)
    assert _errors(report) == [(2, "Ночь", "у двухтарифного счётчика нужно показание «Ночь».")]


def test_every_bad_row_is_listed(meters):
    content = "Участок;Дата;День;Ночь\n9999;01.05.2022;1;1\n269;01.05.2022;-1;x\n269;01.01.2099;1;1\n".encode()

    report = _import("many.csv", content=content)

    assert [(error.row, error.column) for error in report.errors] == [
        (2, "Участок"),
        (3, "День"),
        (3, "Ночь"),
        (4, "Дата"),
    ]


def test_empty_file(meters):
    report = _import("empty.csv")

    _rejected(report)
    assert _errors(report) == [(None, None, "Файл пустой.")]
    assert str(report.errors[0]) == "Файл пустой."


def test_headers_only(meters):
    report = _import("readings_headers_only.csv")

    _rejected(report)
    assert _errors(report) == [(None, None, "В файле только заголовок и нет ни одной строки с данными.")]


def test_pdf_renamed_to_xlsx(meters):
    report = _import("not_a_table.xlsx")

    _rejected(report)
    assert report.errors[0].message.startswith("Файл «not_a_table.xlsx» не является таблицей XLSX: это PDF-документ.")


def test_pdf_renamed_to_csv(meters):
    report = _import("readings.csv", content=_file("not_a_table.xlsx"))

    _rejected(report)
    assert report.errors[0].message.startswith("Файл «readings.csv» не является таблицей CSV: это PDF-документ.")


def test_xlsx_renamed_to_csv(meters):
    report = _import("readings.csv", content=_file("readings.xlsx"))

    _rejected(report)
    assert _errors(report) == [
        (None, None, "Файл «readings.csv» похож на XLSX, а не на CSV: переименуйте его в .xlsx.")
    ]


def test_file_over_the_size_limit(meters):
    content = _file("readings.csv") + b"\n" * imports.MAX_UPLOAD_BYTES

    report = _import("readings.csv", content=content)

    _rejected(report)
    assert _errors(report) == [(None, None, "Файл слишком большой (10 МБ); можно не больше 10 МБ.")]


def test_xlsx_that_unpacks_beyond_the_limit(meters):
    report = _import("bomb.xlsx")

    _rejected(report)
    assert len(_file("bomb.xlsx")) < 200 * 1024
    assert _errors(report) == [(None, None, "Таблица XLSX после распаковки занимает 101 МБ; можно не больше 100 МБ.")]


def test_formula_cells_are_rejected(meters):
    report = _import("readings_formula.xlsx")

    _rejected(report)
    assert _errors(report) == [(3, "День", "формула вместо значения (=C2+520); сохраните в файле значения.")]


def test_unsupported_extension(meters):
    report = _import("readings.pdf", content=b"%PDF-1.4")

    assert _errors(report) == [(None, None, "Неподдерживаемый тип файла «readings.pdf»: загрузите CSV или XLSX.")]


def test_single_zone_meter_has_no_night(meters):
    content = "Участок;Дата;День;Ночь\n271;01.05.2022;100;5\n".encode()

    report = _import("single.csv", content=content)

    assert _errors(report) == [(2, "Ночь", "у однотарифного счётчика нет ночной зоны: оставьте ячейку пустой.")]


def test_row_error_text():
    assert str(RowError(5, "Дата", "дата в будущем (01.01.2030)")) == "Строка 5, «Дата»: дата в будущем (01.01.2030)"
    assert str(RowError(None, "Ночь", "нет столбца")) == "«Ночь»: нет столбца"
    assert str(RowError(7, None, "лишние ячейки")) == "Строка 7: лишние ячейки"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1+2", "'=1+2"), ("+79031221105", "'+79031221105"), ("-x", "'-x"), ("@SUM(A1)", "'@SUM(A1)"), ("269", "269")],
)
def test_csv_safe(value, expected):
    assert imports.csv_safe(value) == expected


def test_csv_safe_keeps_numbers():
    from decimal import Decimal

    assert imports.csv_safe(Decimal("-5.00")) == "-5.00"
    assert imports.csv_safe(None) == ""


@pytest.mark.parametrize("kind", [Kind.PLOTS, Kind.READINGS, Kind.CHARGES, Kind.PAYMENTS])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_example_files_import_cleanly_as_a_preview(kind, fmt):
    for number in (269, 270):
        MeterFactory(plot=PlotFactory(number=number))

    name, content = imports.example_file(kind, fmt)
    report = run_import(kind=kind, file_name=name, content=content, commit=False)

    assert name == f"{kind}.{fmt}"
    assert report.ok, [str(error) for error in report.errors]
    assert report.rows
    required, optional = imports.HEADERS[kind]
    assert set(report.rows[0].values) >= set(required)
