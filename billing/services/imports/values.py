"""Cell parsers: each returns the value or records a Russian RowError and returns None."""

import math
import re
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from .report import RowError
from .tables import Cell

_DATE_RU = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$", re.ASCII)
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$", re.ASCII)
# A number as people type it: ASCII digits, an optional sign, one decimal separator (comma or
# point), spaces between groups of three digits («7 200,00»). Not «1e5», «inf», «1_000», «١٢».
_NUMBER = re.compile(
    r"^(?P<sign>[-+−]?)\s*(?P<whole>\d+|\d{1,3}(?:[ \u00a0\u2009\u202f]\d{3})+)?(?:[.,](?P<fraction>\d*))?$",
    re.ASCII,
)
_YES = {"да", "1", "yes", "true", "+", "есть"}
_MAX_INTEGER = 2_147_483_647
_NO = {"нет", "0", "no", "false", "-", ""}


def shown(value: Cell) -> str:
    """A cell as the treasurer typed it, for messages."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def format_date(value: date) -> str:
    return f"{value:%d.%m.%Y}"


def format_money(value: Decimal) -> str:
    return f"{value:,.2f}".replace(",", " ").replace(".", ",")


def format_decimal(value: Decimal) -> str:
    return format(value.normalize(), "f")


def normalize_phone(text: str) -> str | None:
    """11 digits starting with 8, from +7 999 …, 8-999-…, 999…; None if it is not a Russian mobile."""
    digits = re.sub(r"[^0-9]", "", text)
    if len(digits) == 10:
        digits = "8" + digits
    if len(digits) == 11 and digits[0] in "78":
        return "8" + digits[1:]
    return None


class RowReader:
    """Reads the cells of one row, collecting every error rather than stopping at the first."""

    def __init__(self, *, row: int, cells: dict[str, Cell], errors: list[RowError], today: date, dates: dict):
        self.row = row
        self.cells = cells
        self.errors = errors
        self.today = today
        self._dates = dates
        self.failed = False

    def error(self, column: str | None, message: str) -> None:
        self.failed = True
        self.errors.append(RowError(self.row, column, message))

    def is_blank(self, column: str) -> bool:
        value = self.cells.get(column)
        return value is None or (isinstance(value, str) and not value.strip())

    def text(self, column: str, *, required: bool = False, max_length: int = 255) -> str:
        value = " ".join(shown(self.cells.get(column)).split())
        if required and not value:
            self.error(column, "пустая ячейка.")
        if len(value) > max_length:
            self.error(column, f"слишком длинный текст: больше {max_length} знаков.")
        return value

    def decimal(self, column: str, *, required: bool = True) -> Decimal | None:
        value = self.cells.get(column)
        if self.is_blank(column):
            if required:
                self.error(column, "пустая ячейка, нужно число.")
            return None
        if isinstance(value, bool):
            self.error(column, f"не число ({shown(value)}).")
            return None
        if isinstance(value, int | float):
            number = Decimal(str(value)) if math.isfinite(value) else None
        else:
            number = parse_number(str(value))
        if number is None:
            text = shown(value)
            if any(char.isdigit() and not char.isascii() for char in text):
                self.error(column, f"не число ({text}): пишите цифрами 0–9.")
            else:
                self.error(column, f"не число ({text}).")
            return None
        if number < 0:
            self.error(column, f"отрицательное число ({shown(value)}).")
            return None
        return number

    def money(self, column: str, *, limit: Decimal = Decimal("9999999999.99")) -> Decimal | None:
        """A sum or an area: not negative, at most two decimal places."""
        number = self.decimal(column)
        if number is None:
            return None
        if number > limit:
            self.error(column, f"слишком большое число ({shown(self.cells.get(column))}).")
            return None
        if number != number.quantize(Decimal("0.01")):
            self.error(column, f"больше двух знаков после запятой ({shown(self.cells.get(column))}).")
            return None
        return number.quantize(Decimal("0.01"))

    def integer(self, column: str, *, required: bool = True, minimum: int = 0) -> int | None:
        value = self.cells.get(column)
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            decimal = self.decimal(column, required=required)
            if decimal is None:
                return None
            if decimal > _MAX_INTEGER:
                self.error(column, f"слишком большое число ({shown(value)}).")
                return None
            if decimal != decimal.to_integral_value():
                self.error(column, f"нужно целое число ({shown(value)}).")
                return None
            number = int(decimal)
        if number < minimum:
            self.error(column, f"число должно быть не меньше {minimum} ({shown(value)}).")
            return None
        if number > _MAX_INTEGER:
            self.error(column, f"слишком большое число ({shown(value)}).")
            return None
        return number

    def plot_number(self, column: str = "Участок") -> int | None:
        return self.integer(column, minimum=1)

    def date(self, column: str, *, required: bool = True) -> date | None:
        value = self.cells.get(column)
        if self.is_blank(column):
            if required:
                self.error(column, "пустая ячейка, нужна дата ДД.ММ.ГГГГ.")
            return None
        if isinstance(value, datetime):
            parsed = value.date()
        elif isinstance(value, date):
            parsed = value
        else:
            text = str(value).strip()
            if text in self._dates:
                parsed = self._dates[text]
            else:
                parsed = self._dates[text] = _parse_date(text)
            if parsed is None:
                self.error(column, f"непонятная дата ({shown(value)}); нужен формат ДД.ММ.ГГГГ.")
                return None
        if parsed > self.today:
            self.error(column, f"дата в будущем ({format_date(parsed)}).")
            return None
        return parsed

    def boolean(self, column: str) -> bool | None:
        text = normalize_yes_no(self.cells.get(column))
        if text in _YES:
            return True
        if text in _NO:
            return False
        self.error(column, f"нужно «Да» или «Нет» ({shown(self.cells.get(column))}).")
        return None

    def email(self, column: str) -> str:
        text = self.text(column).lower()
        if text:
            try:
                validate_email(text)
            except ValidationError:
                self.error(column, f"неверный адрес электронной почты ({text}).")
        return text

    def phone(self, column: str) -> str:
        text = self.text(column)
        if not text:
            return ""
        phone = normalize_phone(text)
        if phone is None:
            self.error(column, f"телефон должен состоять из 11 цифр и начинаться с 8 ({text}).")
            return ""
        return phone


def parse_number(text: str) -> Decimal | None:
    """A typed number (see _NUMBER), or None for anything else."""
    match = _NUMBER.match(text.strip())
    if match is None or not (match["whole"] or match["fraction"]):
        return None
    whole = re.sub(r"[^0-9]", "", match["whole"] or "") or "0"
    sign = "-" if match["sign"] in ("-", "−") else ""
    fraction = f".{match['fraction']}" if match["fraction"] else ""
    return Decimal(f"{sign}{whole}{fraction}")


def normalize_yes_no(value: Cell) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return shown(value).lower()


def _parse_date(text: str) -> date | None:
    match = _DATE_RU.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
    else:
        match = _DATE_ISO.match(text)
        if not match:
            return None
        year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None
