"""Reading an uploaded CSV or XLSX file into rows keyed by canonical Russian headers.

Every check that concerns the file as a whole lives here: size, type, zip bomb, encoding,
delimiter, headers, formula cells, an empty file or one with headers only, and the limits that
keep a hostile file from eating the server:

- at most ``settings.IMPORT_MAX_ROWS`` rows after the header (blank rows inside the table count);
- a run of ``EMPTY_ROWS_END`` blank rows ends the table: what lies below is not read (spreadsheets
  often carry formatted but empty rows down to row 1 048 576);
- an XLSX is checked before it is opened (unpacked size, compression ratio, XML tags) and then
  read row by row, only up to the last column the header names; its declared dimension is ignored.
"""

import csv
import io
import itertools
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from django.conf import settings
from openpyxl import load_workbook
from openpyxl.utils.cell import column_index_from_string
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import WorkSheetParser

from .report import ErrorList, RowError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_XLSX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_XLSX_COMPRESSION_RATIO = 100
# Every XML tag costs openpyxl a few microseconds (a shared string some 40): this bounds the time
# any XLSX may take (≈ 3 s on a busy 2-core machine), and its size to some 30 000 rows of four
# numbers; a larger table goes as CSV. Shared-string tags count three times.
MAX_XLSX_TAGS = 600_000
_SHARED_STRINGS_WEIGHT = 3
# The header is looked for within the first columns only.
MAX_XLSX_COLUMNS = 100
EMPTY_ROWS_END = 1000

Cell = str | int | float | date | datetime | bool | None

_ALIASES = {
    "участок": ("№ участка", "номер участка", "уч."),
    "площадь": ("площадь участка", "площадь, соток"),
    "email": ("e-mail", "эл. почта", "электронная почта", "адрес электронной почты"),
    "телефон": ("мобильный телефон", "мобильный"),
    "фио": ("владелец", "фио владельца"),
    "счетчик": ("номер счетчика", "заводской номер"),
    "документ": ("номер документа", "платежный документ"),
    "дата": ("дата оплаты", "дата начисления"),
}

_XLSX_BROKEN = "Файл XLSX повреждён или не является таблицей: откройте его в Excel и сохраните заново."
_MIXED_ENCODING = "Файл в смешанной или неизвестной кодировке: сохраните его в UTF-8."
# Two Russian letters in a row encoded as UTF-8: in a real cp1251 text these byte pairs
# («Р»», «С…») practically never follow each other.
_UTF8_RUSSIAN_WORD = re.compile(rb"(?:\xd0[\x81\x90-\xbf]|\xd1[\x80-\x8f\x91]){2}")
_CP1251_RUSSIAN = re.compile(r"[А-Яа-яЁё«»№–—…“”„‘’•\u00a0]")


def normalize_header(text: object) -> str:
    """Headers compare case- and ё/е-insensitively, with spaces collapsed."""
    return " ".join(str(text or "").split()).lower().replace("ё", "е")


@dataclass
class Table:
    """Data rows of a file: (row number as the treasurer sees it, canonical header -> cell)."""

    columns: set[str]
    rows: list[tuple[int, dict[str, Cell]]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


class FileRejected(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__(errors)
        self.errors = errors


def _reject(message: str, column: str | None = None) -> FileRejected:
    return FileRejected([RowError(None, column, message)])


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} МБ"


def max_rows() -> int:
    return settings.IMPORT_MAX_ROWS


def read_table(*, file_name: str, content: bytes, required: list[str], optional: list[str]) -> Table:
    """Parse the file or raise FileRejected with every file-level error."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise _reject(
            f"Файл слишком большой ({_megabytes(len(content))}); можно не больше {_megabytes(MAX_UPLOAD_BYTES)}."
        )
    if not content.strip():
        raise _reject("Файл пустой.")
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if content.startswith(b"PK\x03\x04"):
        if extension not in ("xlsx", ""):
            raise _reject(f"Файл «{file_name}» похож на XLSX, а не на CSV: переименуйте его в .xlsx.")
        with _XlsxRows(content) as rows:
            return _build_table(rows, required, optional)
    if extension == "xlsx":
        raise _reject(_not_a_table(file_name, content, "XLSX"))
    if extension in ("csv", "txt", ""):
        if content.startswith((b"%PDF", b"\xd0\xcf\x11\xe0")):
            raise _reject(_not_a_table(file_name, content, "CSV"))
        if b"\x00" in content:
            raise _reject(
                f"В файле «{file_name}» есть нулевые байты: это не текст CSV "
                "(или он сохранён в UTF-16). Сохраните таблицу как CSV в кодировке UTF-8."
            )
        return _build_table(_CsvRows(content), required, optional)
    raise _reject(f"Неподдерживаемый тип файла «{file_name}»: загрузите CSV или XLSX.")


def _not_a_table(file_name: str, content: bytes, expected: str) -> str:
    if content.startswith(b"%PDF"):
        found = "это PDF-документ"
    elif content.startswith(b"\xd0\xcf\x11\xe0"):
        found = "это старый формат Excel (XLS); сохраните его как XLSX"
    else:
        found = "содержимое не похоже на таблицу"
    return f"Файл «{file_name}» не является таблицей {expected}: {found}. Загрузите CSV или XLSX."


def decode_text(content: bytes) -> str:
    """UTF-8 (with or without BOM), strictly; else cp1251, but only a text that reads as Russian
    cp1251. A file mixing both (or in another encoding) is refused rather than read as garbage."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if _UTF8_RUSSIAN_WORD.search(content):
        raise _reject(_MIXED_ENCODING)
    try:
        text = content.decode("cp1251")
    except UnicodeDecodeError:
        raise _reject(_MIXED_ENCODING) from None
    non_ascii = sum(1 for char in text if not char.isascii())
    russian = len(_CP1251_RUSSIAN.findall(text))
    if russian < non_ascii * 0.9:
        raise _reject(_MIXED_ENCODING)
    return text


class _CsvRows:
    """(row number, cells, formula columns) of a CSV; every row must be read to the end."""

    def __init__(self, content: bytes):
        self.text = decode_text(content)
        if self.text.count("\n") > max_rows() + 2 * EMPTY_ROWS_END:  # cheap, before a row is parsed
            raise _too_many_rows()
        end = self.text.find("\n")
        header_line = self.text if end < 0 else self.text[:end]
        self.delimiter = max((";", "\t", ","), key=header_line.count)
        self.width: int | None = None
        self._refuse_wide_rows()

    def _refuse_wide_rows(self) -> None:
        """A line of millions of separators would become a list of millions of cells: refused
        before the CSV reader builds it (a table here has a handful of columns)."""
        start = 0
        for number in itertools.count(1):
            end = self.text.find("\n", start)
            stop = len(self.text) if end < 0 else end
            if self.text.count(self.delimiter, start, stop) >= MAX_XLSX_COLUMNS:
                raise _reject(f"Строка {number}: больше {MAX_XLSX_COLUMNS} столбцов. Это не таблица участков.")
            if end < 0:
                return
            start = end + 1

    def __iter__(self) -> Iterator[tuple[int, list[Cell], list[int]]]:
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=self.delimiter)
        try:
            for number, values in enumerate(reader, start=1):
                yield number, values, []
        except csv.Error as exc:
            raise _reject(f"Не удалось разобрать CSV: {exc}.") from None


@lru_cache(maxsize=4096)
def _column_index(coordinate: str) -> int:
    return column_index_from_string(coordinate.rstrip("0123456789"))


class _SheetParser(WorkSheetParser):
    """openpyxl's worksheet parser, reading the cells of a row only up to ``max_column``, skipping
    empty ones, and keeping no per-row dimensions (which it would keep for every row of the sheet)."""

    max_column: int | None = None

    def parse_row(self, row):
        number = row.get("r")
        self.row_counter = int(number) if number is not None else self.row_counter + 1
        self.col_counter = 0
        cells = []
        for element in row:
            coordinate = element.get("r")
            column = _column_index(coordinate) if coordinate else self.col_counter + 1
            if (self.max_column is not None and column > self.max_column) or not len(element):
                self.col_counter = column  # out of the header's columns, or empty (no value, formula, text)
                continue
            cells.append(self.parse_cell(element))
        return self.row_counter, cells


class _XlsxRows:
    """Rows of the active sheet of an XLSX, checked before opening and guarded while read."""

    def __init__(self, content: bytes):
        _check_archive(content)
        try:
            self.workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
            self.sheet = self.workbook.active
        except Exception:  # openpyxl raises many kinds for a broken package
            raise _reject(_XLSX_BROKEN) from None
        if not isinstance(self.sheet, ReadOnlyWorksheet):
            self.workbook.close()
            raise _reject("В файле XLSX нет листа с таблицей.")
        self.width: int | None = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.workbook.close()

    def __iter__(self) -> Iterator[tuple[int, list[Cell], list[int]]]:
        try:
            yield from self._rows()
        except FileRejected:
            raise
        except Exception:  # broken sheet XML, a bad shared-string index, an impossible number …
            raise _reject(_XLSX_BROKEN) from None

    def _rows(self) -> Iterator[tuple[int, list[Cell], list[int]]]:
        workbook = self.workbook
        with self.sheet._get_source() as source:
            parser = _SheetParser(
                source,
                self.sheet._shared_strings,
                data_only=False,
                epoch=workbook.epoch,
                date_formats=workbook._date_formats,
                timedelta_formats=workbook._timedelta_formats,
            )
            parser.max_column = MAX_XLSX_COLUMNS
            for number, cells in parser.parse():
                width = self.width or max((cell["column"] for cell in cells), default=0)
                values: list[Cell] = [None] * width
                formulas = []
                for cell in cells:
                    if cell["column"] <= width:
                        values[cell["column"] - 1] = cell["value"]
                        if cell["data_type"] == "f":
                            formulas.append(cell["column"] - 1)
                yield number, values, formulas
                parser.max_column = self.width or MAX_XLSX_COLUMNS  # the reader sets it on finding the header


def _check_archive(content: bytes) -> None:
    """A zip bomb is refused before openpyxl unpacks anything: by the unpacked size, the
    compression ratio and the number of XML tags (counted while streaming, never held)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            unpacked = sum(info.file_size for info in members)
            if unpacked > MAX_XLSX_UNCOMPRESSED_BYTES:
                raise _reject(
                    f"Таблица XLSX после распаковки занимает {_megabytes(unpacked)}; "
                    f"можно не больше {_megabytes(MAX_XLSX_UNCOMPRESSED_BYTES)}."
                )
            if unpacked > MAX_XLSX_COMPRESSION_RATIO * len(content):
                raise _reject(
                    f"Таблица XLSX сжата подозрительно сильно (в {unpacked // len(content)} раз): "
                    "похоже на «zip-бомбу». Сохраните таблицу заново или загрузите CSV."
                )
            tags = 0
            for info in members:
                weight = _SHARED_STRINGS_WEIGHT if info.filename.lower().endswith("sharedstrings.xml") else 1
                with archive.open(info) as member:
                    while chunk := member.read(1024 * 1024):
                        tags += chunk.count(b"<") * weight
                if tags > MAX_XLSX_TAGS:
                    raise _reject(
                        "Таблица XLSX слишком сложная для загрузки (слишком много ячеек или строк). "
                        "Удалите пустые строки и столбцы, разделите файл на части или сохраните его как CSV."
                    )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, ValueError, EOFError):
        raise _reject(_XLSX_BROKEN) from None


def _is_blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _all_blank(values: list[Cell]) -> bool:
    return all(_is_blank(value) for value in values)


def _too_many_rows() -> FileRejected:
    return _reject(f"В файле больше {max_rows():,} строк: разделите его на несколько файлов.".replace(",", "\u00a0"))


def _known_headers(required: list[str], optional: list[str]) -> dict[str, str]:
    """Normalized header or alias -> the canonical column name, for this kind's columns."""
    known = {normalize_header(name): name for name in required + optional}
    for canonical, aliases in _ALIASES.items():
        if canonical in known:
            for alias in aliases:
                known.setdefault(normalize_header(alias), known[canonical])
    return known


def _read_header(
    rows: Iterator, required: list[str], optional: list[str]
) -> tuple[int, int, dict[int, str], list[str]]:
    """The first non-blank row: its number, its width, column position -> canonical name, and the
    columns not loaded. Raises FileRejected for no header, a repeated or a missing required column."""
    header = None
    for number, values, _ in rows:
        if not _all_blank(values):
            header = (number, values)
            break
        if number > EMPTY_ROWS_END:
            break
    if header is None:
        raise _reject("Файл пустой.")
    header_number, header_values = header
    known = _known_headers(required, optional)
    positions: dict[int, str] = {}
    ignored = []
    errors = ErrorList()
    for index, value in enumerate(header_values):
        name = known.get(normalize_header(value))
        if name is None:
            if not _is_blank(value):
                ignored.append(" ".join(str(value).split()))
            continue
        if name in positions.values():
            errors.append(RowError(header_number, name, "столбец повторяется в заголовке."))
            continue
        positions[index] = name
    errors.extend(
        RowError(None, name, f"в файле нет обязательного столбца «{name}».")
        for name in required
        if name not in positions.values()
    )
    if errors:
        raise FileRejected(errors)
    return header_number, len(header_values), positions, ignored


def _build_table(raw_rows, required: list[str], optional: list[str]) -> Table:
    rows = iter(raw_rows)
    header_number, header_width, positions, ignored = _read_header(rows, required, optional)
    table = Table(columns=set(positions.values()), ignored=ignored)
    width = max(positions) + 1
    raw_rows.width = width  # an XLSX reads no cells right of the last named column
    columns = list(positions.items())
    limit = max_rows()
    errors = ErrorList()
    last = header_number
    for number, values, formulas in rows:
        if number - last > EMPTY_ROWS_END:
            break
        if _all_blank(values):
            continue
        if number - header_number > limit:
            raise _too_many_rows()
        last = number
        if len(values) < width:
            values = values + [None] * (width - len(values))
        elif len(values) > header_width and not _all_blank(values[header_width:]):
            errors.append(RowError(number, None, "в строке больше ячеек, чем столбцов в заголовке."))
        for index in formulas:
            if index in positions:
                message = f"формула вместо значения ({values[index]}); сохраните в файле значения."
                errors.append(RowError(number, positions[index], message))
        table.rows.append((number, {name: values[index] for index, name in columns}))
    if errors:
        raise FileRejected(errors)
    if not table.rows:
        raise _reject("В файле только заголовок и нет ни одной строки с данными.")
    return table
