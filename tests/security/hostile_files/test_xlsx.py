"""Import files built to eat the server (issue 9, §2–3): each is read within bounded memory and
time, or refused with a Russian message, and nothing is written. The files are generated here.

Each import is timed (< 10 s), then previewed again under tracemalloc for its peak memory
(≤ 10 × file size + 150 MB).

This module: honest large files and XLSX."""

import io
from http import HTTPStatus

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl.utils import get_column_letter

from billing.models import ImportBatch
from billing.services.imports import RowError
from tests.billing.hostile_files import READINGS_HEADER, readings_rows, row, shared, xlsx
from tests.security.hostile_files.bounds import (
    HEADER,
    MB,
    large_readings,
    measured_import,
    messages,
    rejected,
)

pytestmark = pytest.mark.django_db


def test_a_large_honest_csv_is_read_within_the_bounds(registry):
    lines = [f"{number};{taken_on:%d.%m.%Y};{day};{night}" for number, taken_on, day, night in large_readings()]
    content = HEADER + "\n".join(lines).encode()

    report = measured_import("readings.csv", content)

    assert report.ok, messages(report)[:3]
    assert report.created == 10_000


def test_a_large_honest_xlsx_is_read_within_the_bounds(registry):
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["Участок", "Дата", "День", "Ночь", "Примечание"])
    for number, taken_on, day, night in large_readings():
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
