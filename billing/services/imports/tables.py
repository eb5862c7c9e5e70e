"""Reading an uploaded CSV or XLSX file into rows keyed by canonical Russian headers.

Every check that concerns the file as a whole lives here: size, type, zip bomb,
encoding, delimiter, headers, formula cells, an empty file or one with headers only.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl import load_workbook

from .report import RowError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_XLSX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024

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
        raw_rows = _xlsx_rows(content)
    elif extension == "xlsx":
        raise _reject(_not_a_table(file_name, content, "XLSX"))
    elif extension in ("csv", "txt", ""):
        if content.startswith((b"%PDF", b"\xd0\xcf\x11\xe0")) or b"\x00" in content[:4096]:
            raise _reject(_not_a_table(file_name, content, "CSV"))
        raw_rows = _csv_rows(content)
    else:
        raise _reject(f"Неподдерживаемый тип файла «{file_name}»: загрузите CSV или XLSX.")
    return _build_table(raw_rows, required, optional)


def _not_a_table(file_name: str, content: bytes, expected: str) -> str:
    if content.startswith(b"%PDF"):
        found = "это PDF-документ"
    elif content.startswith(b"\xd0\xcf\x11\xe0"):
        found = "это старый формат Excel (XLS); сохраните его как XLSX"
    else:
        found = "содержимое не похоже на таблицу"
    return f"Файл «{file_name}» не является таблицей {expected}: {found}. Загрузите CSV или XLSX."


def _csv_rows(content: bytes):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1251")
        except UnicodeDecodeError:
            raise _reject("Не удалось прочитать текст: сохраните CSV в кодировке UTF-8 или Windows-1251.") from None
    header_line = text.split("\n", 1)[0]
    delimiter = max((";", "\t", ","), key=header_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, values in enumerate(reader, start=1):
            yield number, values, ()
    except csv.Error as exc:
        raise _reject(f"Не удалось разобрать CSV: {exc}.") from None


def _xlsx_rows(content: bytes):
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _reject("Файл повреждён или не является таблицей XLSX.") from None
    if unpacked > MAX_XLSX_UNCOMPRESSED_BYTES:
        raise _reject(
            f"Таблица XLSX после распаковки занимает {_megabytes(unpacked)}; "
            f"можно не больше {_megabytes(MAX_XLSX_UNCOMPRESSED_BYTES)}."
        )
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a broken package
        raise _reject("Файл повреждён или не является таблицей XLSX.") from None
    try:
        sheet = workbook.active
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            values = [cell.value for cell in cells]
            formulas = [index for index, cell in enumerate(cells) if getattr(cell, "data_type", None) == "f"]
            yield number, values, formulas
    finally:
        workbook.close()


def _is_blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _all_blank(values: list[Cell]) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


def _build_table(raw_rows, required: list[str], optional: list[str]) -> Table:
    known = {normalize_header(name): name for name in required + optional}
    for canonical, aliases in _ALIASES.items():
        if canonical in known:
            for alias in aliases:
                known.setdefault(normalize_header(alias), known[canonical])

    header = None
    for number, values, _ in raw_rows:
        if not _all_blank(values):
            header = (number, values)
            break
    if header is None:
        raise _reject("Файл пустой.")

    header_number, header_values = header
    positions: dict[int, str] = {}
    ignored = []
    errors = []
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

    table = Table(columns=set(positions.values()), ignored=ignored)
    width = len(header_values)
    columns = list(positions.items())
    for number, values, formulas in raw_rows:
        if _all_blank(values):
            continue
        if len(values) < width:
            values = values + [None] * (width - len(values))
        elif len(values) > width and not _all_blank(values[width:]):
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
