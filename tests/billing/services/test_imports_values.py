"""Numbers in import cells: what people type is read, anything else is a clear row error."""

import datetime
from decimal import Decimal

import pytest

from billing.services.imports import Kind, run_import
from billing.services.imports.report import ErrorList, RowError, errors_word
from billing.services.imports.values import RowReader, normalize_phone, parse_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7200", Decimal("7200")),
        ("7 200,00", Decimal("7200.00")),
        ("7\u00a0200,00", Decimal("7200.00")),
        ("7\u202f200.50", Decimal("7200.50")),
        ("1 000 000", Decimal("1000000")),
        ("0269", Decimal("269")),
        (" 12,5 ", Decimal("12.5")),
        (",5", Decimal("0.5")),
        ("5,", Decimal("5")),
        ("-5", Decimal("-5")),
        ("−5,5", Decimal("-5.5")),
        ("+3", Decimal("3")),
    ],
)
def test_numbers_people_type_are_read(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "1e5",
        "1E-2",
        "inf",
        "-Infinity",
        "nan",
        "NaN",
        "1_000",
        "١٢",
        "٢٦٩",
        "²",
        "12²",
        "0x10",
        "1.000,50",
        "1,000.50",
        "72 00",
        "1 2",
        ",",
        "",
        "--5",
        "5-",
        "12 руб.",
    ],
)
def test_anything_else_is_not_a_number(text):
    assert parse_number(text) is None


def _reader(value) -> RowReader:
    return RowReader(row=2, cells={"Сумма": value}, errors=ErrorList(), today=datetime.date(2024, 1, 1), dates={})


@pytest.mark.parametrize("value", [float("inf"), float("nan"), "١٢"])
def test_money_refuses_non_finite_and_foreign_digits(value):
    reader = _reader(value)

    assert reader.money("Сумма") is None
    assert reader.failed


def test_money_refuses_thirty_digits_without_an_exception():
    reader = _reader("9" * 30)

    assert reader.money("Сумма") is None
    assert reader.errors == [RowError(2, "Сумма", f"слишком большое число ({'9' * 30}).")]


def test_integer_refuses_an_infinite_xlsx_number():
    reader = _reader(float("inf"))

    assert reader.integer("Сумма") is None
    assert reader.failed


def test_phone_takes_ascii_digits_only():
    assert normalize_phone("+7 (999) 123-45-67") == "89991234567"
    assert normalize_phone("٨٩٩٩١٢٣٤٥٦٧") is None


def test_error_list_keeps_the_first_errors_and_counts_the_rest():
    errors = ErrorList(limit=2)
    errors.extend(RowError(row, None, "ошибка") for row in range(5, 0, -1))

    assert errors.total == 5
    assert [str(error) for error in errors.with_summary(key=lambda error: error.row)] == [
        "Строка 4: ошибка",
        "Строка 5: ошибка",
        "…и ещё 3 ошибки.",
    ]


@pytest.mark.parametrize(
    ("count", "word"), [(1, "ошибка"), (2, "ошибки"), (5, "ошибок"), (11, "ошибок"), (21, "ошибка"), (112, "ошибок")]
)
def test_errors_word(count, word):
    assert errors_word(count) == word


@pytest.mark.django_db
def test_file_level_row_errors_are_capped_once():
    """Rows with more cells than the header are found while the file is read, not planned."""
    content = "Участок;Дата;День;Ночь\n".encode() + b"269;01.05.2022;1;2;3\n" * 250

    report = run_import(kind=Kind.READINGS, file_name="r.csv", content=content, commit=False)

    assert report.errors_total == 250
    assert len(report.errors) == 201
    assert [str(error) for error in report.errors[-2:]] == [
        "Строка 201: в строке больше ячеек, чем столбцов в заголовке.",
        "…и ещё 50 ошибок.",
    ]
