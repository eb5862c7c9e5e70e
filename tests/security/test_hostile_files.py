"""Import files built to eat the server (issue 9, §2–3): each is read within bounded memory and
time, or refused with a Russian message, and nothing is written. The files are generated here.

Each import is timed (< 10 s), then previewed again under tracemalloc for its peak memory
(≤ 10 × file size + 150 MB)."""

import datetime
import io
import time
import tracemalloc
from http import HTTPStatus

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl.utils import get_column_letter

from billing.models import ImportBatch, Meter, Plot, Reading
from billing.services.imports import Kind, RowError, run_import
from tests.billing.hostile_files import READINGS_HEADER, readings_rows, row, shared, xlsx
from tests.factories import MeterFactory, PlotFactory

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
SECONDS = 10
HEADER = "Участок;Дата;День;Ночь\n".encode()


@pytest.fixture
def meter():
    return MeterFactory(plot=PlotFactory(number=269), kind=Meter.Kind.TWO_ZONE)


@pytest.fixture
def treasurer_client(client):
    user = get_user_model().objects.create_user(username="kassir", password="secret-123", is_staff=True)
    user.groups.add(Group.objects.get(name="Казначей"))
    client.force_login(user)
    return client


def measured_import(name: str, content: bytes, *, kind: str = Kind.READINGS, commit: bool = False):
    """run_import, timed; then its preview again under tracemalloc for the peak memory."""
    started = time.monotonic()
    report = run_import(kind=kind, file_name=name, content=content, commit=commit)
    elapsed = time.monotonic() - started
    assert elapsed < SECONDS, f"{name}: {elapsed:.1f} s"
    tracemalloc.start()
    try:
        run_import(kind=kind, file_name=name, content=content, commit=False)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak <= 10 * len(content) + 150 * MB, f"{name}: {peak / MB:.0f} MB for {len(content) / MB:.1f} MB"
    return report


def messages(report) -> list[str]:
    return [str(error) for error in report.errors]


def rejected(report) -> str:
    assert not report.ok and not report.committed
    assert not ImportBatch.objects.exists() and not Reading.objects.exists()
    return "\n".join(messages(report))


# --- honest files --------------------------------------------------------------------------------


@pytest.fixture
def registry():
    plots = Plot.objects.bulk_create(Plot(number=number, street="1", area=6) for number in range(1, 1001))
    Meter.objects.bulk_create(Meter(plot=plot) for plot in plots)


def _large_readings() -> list[tuple[int, datetime.date, int, int]]:
    """10 000 readings: 1000 plots × 10 months."""
    months = [datetime.date(2020 + index // 12, 1 + index % 12, 1) for index in range(10)]
    return [
        (number, month, 1000 + index, 500 + index) for index, month in enumerate(months) for number in range(1, 1001)
    ]


def test_a_large_honest_csv_is_read_within_the_bounds(registry):
    lines = [f"{number};{taken_on:%d.%m.%Y};{day};{night}" for number, taken_on, day, night in _large_readings()]
    content = HEADER + "\n".join(lines).encode()

    report = measured_import("readings.csv", content)

    assert report.ok, messages(report)[:3]
    assert report.created == 10_000


def test_a_large_honest_xlsx_is_read_within_the_bounds(registry):
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["Участок", "Дата", "День", "Ночь", "Примечание"])
    for number, taken_on, day, night in _large_readings():
        sheet.append([number, taken_on, day, night, "показания сняты садоводом"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = measured_import("readings.xlsx", buffer.getvalue())

    assert report.ok, messages(report)[:3]
    assert report.created == 10_000


def test_an_excel_file_with_shared_strings_is_read(meter):
    """Excel keeps every text in a shared-strings part, cells refer to it by index."""
    strings = shared("Участок", "Дата", "День", "Ночь", "01.05.2022")
    cells = "".join(f'<c r="{column}1" t="s"><v>{index}</v></c>' for index, column in enumerate("ABCD"))
    sheet = f'<row r="1">{cells}</row>'.encode()
    sheet += b'<row r="2"><c r="A2"><v>269</v></c><c r="B2" t="s"><v>4</v></c><c r="C2"><v>9012</v></c>'
    sheet += b'<c r="D2"><v>2901</v></c></row>'

    report = measured_import("readings.xlsx", xlsx(sheet, shared_strings=strings))

    assert report.ok, messages(report)
    assert report.rows[0].values == {"Участок": "269", "Дата": "01.05.2022", "День": "9012", "Ночь": "2901"}


# --- XLSX --------------------------------------------------------------------------------------


def test_xlsx_declaring_the_whole_sheet_is_read_as_its_real_rows(meter):
    """5 KB declaring A1:XFD1048576, with a styled cell in the very last one: once hours."""
    sheet = READINGS_HEADER + readings_rows(3) + b'<row r="1048576"><c r="XFD1048576" s="1"/></row>'
    content = xlsx(sheet, dimension="A1:XFD1048576")
    assert len(content) < 5 * 1024

    report = measured_import("readings.xlsx", content)

    assert report.ok, messages(report)
    assert [row.row for row in report.rows] == [2, 3, 4]


def test_xlsx_zip_bomb_is_refused_before_it_is_unpacked(meter):
    """A sheet of 50 MB that packs into some 50 KB (once: 251 KB → 99 MiB, 4 min, 5.3 GB)."""
    content = xlsx(READINGS_HEADER + b'<row r="2">' + b'<c s="1"/>' * (5 * MB) + b"</row>")
    assert len(content) < 200 * 1024

    report = measured_import("readings.xlsx", content)

    assert "сжата подозрительно сильно" in rejected(report)


def test_xlsx_of_too_many_tags_that_compress_normally_is_refused(meter):
    """Numbered empty cells compress only ~10×: the tag count stops them before openpyxl reads them."""
    cells = b"".join(b'<row r="%d"><c r="A%d" s="1"/><c r="B%d" s="1"/></row>' % (n, n, n) for n in range(2, 200_000))
    content = xlsx(READINGS_HEADER + cells)

    report = measured_import("readings.xlsx", content)

    assert "слишком сложная" in rejected(report)


def test_xlsx_of_a_million_shared_strings_is_refused(meter):
    """openpyxl reads every shared string when it opens the file, some 40 µs each."""
    content = xlsx(READINGS_HEADER, shared_strings=shared(*(str(number) for number in range(1_000_000))))

    report = measured_import("readings.xlsx", content)

    assert "слишком сложная" in rejected(report)


def test_xlsx_of_wide_rows_of_empty_cells_is_read_in_time(meter):
    """Every row a value and 99 empty cells within the header's columns, each parsed by openpyxl:
    the slowest sheet the tag limit lets through."""
    last = '<c r="CV1" t="inlineStr"><is><t>Счетчик</t></is></c></row>'.encode()
    header = row(1, "Участок", "Дата", "День", "Ночь")[: -len(b"</row>")] + last
    letters = [get_column_letter(column).encode() for column in range(2, 101)]
    body = b"".join(
        b'<row r="%d"><c r="A%d"><v>269</v></c>' % (number, number)
        + b"".join(b'<c r="%s%d" s="1"/>' % (letter, number) for letter in letters)
        + b"</row>"
        for number in range(2, 5_600)  # just under the tag limit
    )

    report = measured_import("readings.xlsx", xlsx(header + body))

    assert report.errors[0] == RowError(2, "Дата", "пустая ячейка, нужна дата ДД.ММ.ГГГГ.")
    assert not ImportBatch.objects.exists()


def test_xlsx_longer_than_the_row_limit_is_refused(meter, settings):
    settings.IMPORT_MAX_ROWS = 1000
    content = xlsx(READINGS_HEADER + readings_rows(1500))

    report = measured_import("readings.xlsx", content)

    assert messages(report) == ["В файле больше 1\u00a0000 строк: разделите его на несколько файлов."]
    rejected(report)


def test_xlsx_with_a_thousand_empty_rows_ends_there(meter):
    """Rows far below the data (after 1000 empty ones) are not read: a sheet often carries formatting
    down to its last row."""
    far = row(1200, "не число", "вовсе не дата", "x", "y")
    content = xlsx(READINGS_HEADER + readings_rows(1) + far, dimension="A1:D1200")

    report = measured_import("readings.xlsx", content)

    assert report.ok, messages(report)
    assert [row.row for row in report.rows] == [2]


@pytest.mark.parametrize(
    ("sheet", "tail"),
    [
        (READINGS_HEADER + b'<row r="2"><c r="A2"><v>269</v></c><c r="B2"><v>1', b""),  # cut in the middle
        (READINGS_HEADER + b'<row r="2"><c r="A2" t="s"><v>999</v></c></row>', None),  # no such shared string
        (READINGS_HEADER + b'<row r="2"><c r="A2"><v>nan</v></c></row>', None),  # not a number
        (READINGS_HEADER + b'<row r="zwei"><c r="A2"><v>1</v></c></row>', None),
        (READINGS_HEADER + b'<row r="2"><c r="!!2"><v>1</v></c></row>', None),
    ],
)
def test_xlsx_with_broken_sheet_xml_is_refused_in_russian(treasurer_client, meter, sheet, tail):
    """Opening was guarded, reading the rows was not: a 500."""
    content = xlsx(sheet) if tail is None else xlsx(sheet, tail=tail)

    response = treasurer_client.post(
        reverse("billing_import", args=["readings"]), {"file": SimpleUploadedFile("readings.xlsx", content)}
    )

    assert response.status_code == HTTPStatus.OK
    assert "Файл XLSX повреждён" in response.content.decode()
    assert not ImportBatch.objects.exists()


# --- CSV ---------------------------------------------------------------------------------------


def test_csv_of_ten_megabytes_of_lines_is_refused_at_the_row_limit(meter):
    """10 MB of «1» lines: once 2 min 17 s and 7.3 GB."""
    content = HEADER + b"1\n" * 5_000_000

    report = measured_import("readings.csv", content)

    assert messages(report) == ["В файле больше 100\u00a0000 строк: разделите его на несколько файлов."]
    rejected(report)


def test_csv_without_a_header_is_refused_for_its_missing_columns(meter):
    content = b"1\n" * 100_000

    report = measured_import("readings.csv", content)

    assert "нет обязательного столбца «Участок»" in rejected(report)


def test_csv_of_bad_rows_gives_a_small_preview_with_the_count_of_the_rest(treasurer_client, meter):
    """1 MB of bad rows once made a 101 MB preview with a million error lines."""
    rows = MB // 20
    content = HEADER + b"xxxxx;yyyyy;zzzzz;w\n" * rows
    report = measured_import("readings.csv", content)
    assert len(report.errors) == 201
    assert report.errors_total == 4 * rows
    assert str(report.errors[-1]) == f"…и ещё {4 * rows - 200} ошибок."

    response = treasurer_client.post(
        reverse("billing_import", args=["readings"]), {"file": SimpleUploadedFile("readings.csv", content)}
    )

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert len(response.content) < 200 * 1024
    assert f"ошибок — {4 * rows}" in html
    assert "…и ещё" in html
    assert not ImportBatch.objects.exists()


def test_huge_cells_are_not_quoted_whole_in_the_preview(treasurer_client, meter):
    content = HEADER + (b"269;01.05.2022;" + b"9" * 30_000 + b"x;1\n") * 250

    response = treasurer_client.post(
        reverse("billing_import", args=["readings"]), {"file": SimpleUploadedFile("readings.csv", content)}
    )

    assert response.status_code == HTTPStatus.OK
    assert "ошибок — 250" in response.content.decode()
    assert len(response.content) < 200 * 1024


def test_nul_byte_after_the_first_four_kilobytes_is_refused_at_the_preview(treasurer_client, meter):
    """Only content[:4096] was checked: on PostgreSQL the confirm then failed with a 500."""
    content = HEADER + b"269;01.05.2022;9012;2901\n" * 200 + b"269;01.06.2022;9532;3118\x00\n"
    assert content.index(b"\x00") > 4096

    response = treasurer_client.post(
        reverse("billing_import", args=["readings"]), {"file": SimpleUploadedFile("readings.csv", content)}
    )

    assert response.status_code == HTTPStatus.OK
    assert "нулевые байты" in response.content.decode()
    assert not response.context["can_confirm"]
    assert not ImportBatch.objects.exists() and not Reading.objects.exists()


@pytest.mark.parametrize(
    "content",
    [
        HEADER + "269;01.05.2022;9012;2901;Иванов\n".encode("cp1251"),  # UTF-8 header, a cp1251 row
        "Участок;Дата;День;Ночь\n".encode("cp1251") + "269;01.05.2022;9012;2901 Иванов\n".encode(),
        "Участок;Дата;День;Ночь\n".encode("cp866"),  # neither UTF-8 nor cp1251
    ],
)
def test_mixed_or_unknown_encoding_is_named_as_such(meter, content):
    report = measured_import("readings.csv", content)

    assert messages(report) == ["Файл в смешанной или неизвестной кодировке: сохраните его в UTF-8."]
    rejected(report)


def test_cp1251_russian_file_is_still_read(meter):
    content = "Участок;Дата;День;Ночь;Примечание\n269;01.05.2022;9012;2901;«Ромашка» — №5\n".encode("cp1251")

    report = measured_import("readings.csv", content)

    assert report.ok, messages(report)
    assert report.notices == ["Эти столбцы не загружаются: «Примечание»."]


# --- numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize("amount", ["1e5", "1E5", "inf", "nan", "Infinity", "1_000", "١٢", "12²", "0x10", "1,000.50"])
def test_an_amount_is_digits_with_one_decimal_separator(amount):
    PlotFactory(number=269)
    content = f"Участок;Дата;Сумма;Статья\n269;01.04.2022;{amount};Членские взносы 2022\n".encode()

    report = measured_import("payments.csv", content, kind=Kind.PAYMENTS, commit=True)

    (message,) = messages(report)
    assert message.startswith(f"Строка 2, «Сумма»: не число ({amount})")
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ("٢٦٩;01.05.2022;9012;2901", "Участок"),
        ("²;01.05.2022;9012;2901", "Участок"),
        ("269;01.05.2022;٩٠١٢;2901", "День"),
        ("269;01.05.2022;9012;²", "Ночь"),
        ("269;٠١.٠٥.٢٠٢٢;9012;2901", "Дата"),
    ],
)
def test_unicode_digits_are_a_row_error(meter, cells, column):
    report = measured_import("readings.csv", HEADER + cells.encode() + b"\n", commit=True)

    (message,) = messages(report)
    assert message.startswith(f"Строка 2, «{column}»:")
    rejected(report)


@pytest.mark.parametrize(
    ("kind", "content", "column"),
    [
        (Kind.READINGS, HEADER + b"1" * 30 + b";01.05.2022;9012;2901\n", "Участок"),
        (Kind.READINGS, HEADER + b"269;01.05.2022;" + b"9" * 30 + b";2901\n", "День"),
        (Kind.PAYMENTS, "Участок;Дата;Сумма;Статья\n269;01.04.2022;{};Взнос\n".format("9" * 30).encode(), "Сумма"),
        (Kind.CHARGES, "Участок;Статья;Сумма\n{};Взнос;100\n".format("1" * 30).encode(), "Участок"),
    ],
)
def test_thirty_digit_numbers_are_a_row_error(meter, kind, content, column):
    report = measured_import("file.csv", content, kind=kind, commit=True)

    (message,) = messages(report)
    assert message.startswith(f"Строка 2, «{column}»: слишком большое число")
    rejected(report)


def test_thirty_digit_plot_number_in_xlsx_is_a_row_error(meter):
    content = xlsx(READINGS_HEADER + b'<row r="2"><c r="A2"><v>' + b"1" * 30 + b"</v></c>" + row(2)[12:])
    content = xlsx(
        READINGS_HEADER
        + b'<row r="2"><c r="A2"><v>'
        + b"1" * 30
        + b'</v></c><c r="B2" t="inlineStr"><is><t>01.05.2022</t></is></c><c r="C2"><v>1e400</v></c>'
        + b'<c r="D2"><v>2901</v></c></row>'
    )

    report = measured_import("readings.xlsx", content, commit=True)

    assert messages(report) == [
        f"Строка 2, «Участок»: слишком большое число ({'1' * 30}).",
        "Строка 2, «День»: не число (inf).",
    ]
    rejected(report)


def test_a_csv_row_of_millions_of_separators_is_refused_before_it_is_split():
    import time
    import tracemalloc

    content = ("Участок;Дата;День;Ночь\n269;" + ";" * 10_000_000 + "\n").encode()
    tracemalloc.start()
    started = time.monotonic()
    report = run_import(kind="readings", file_name="wide.csv", content=content, commit=False)
    elapsed = time.monotonic() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert [error.message for error in report.errors] == ["Строка 2: больше 100 столбцов. Это не таблица участков."]
    assert elapsed < 10
    assert peak < 10 * len(content) + 150 * 1024 * 1024
