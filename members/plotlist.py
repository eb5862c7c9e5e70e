"""Typed plot numbers: the login, the signup plot number and «Номера ваших участков» all go
through `parse_plot_number`, so «0269» is plot 269 everywhere and nothing a visitor types can
reach `int()` or the database unchecked.

Only ASCII digits 0-9 count. `str.isdigit()` also accepts «²», «٢٦٩» or «１２３»: `int()` refuses
the first and quietly maps the others to numbers, so they are refused with a message instead of
being guessed at (a member types plot numbers on an ordinary keyboard)."""

import re

from django.core.exceptions import ValidationError

# Plot.number is a PositiveIntegerField: nine digits stay inside every database's integer range.
PLOT_NUMBER_MAX_DIGITS = 9

_ASCII_DIGITS = re.compile(r"[0-9]+", re.ASCII)
_SEPARATORS = re.compile(r"[,;\s]+")

NOT_A_NUMBER = "Номер участка — это число, например 123."
NOT_ASCII_DIGITS = "Номер участка пишется обычными цифрами 0–9, например 123."
TOO_LONG = f"Такого номера участка нет: в номере не больше {PLOT_NUMBER_MAX_DIGITS} цифр."
NOT_POSITIVE = "Номер участка — число больше нуля, например 123."
REQUIRED = "Введите номер участка."


def looks_like_plot_number(value: str) -> bool:
    """True when `value` is made of digits of any script (and spaces): the login form then
    treats it as a plot number; anything with a letter is a staff login, left as typed."""
    value = value.strip()
    return bool(value) and all(ch.isnumeric() or ch.isspace() for ch in value)


def parse_plot_number(value: str | None) -> int:
    """« 0269 » → 269. Anything else than ASCII digits, zero, or more than nine significant
    digits raises a ValidationError with a Russian message (never a 500)."""
    value = (value or "").strip()
    if not value:
        raise ValidationError(REQUIRED, code="required")
    if not _ASCII_DIGITS.fullmatch(value):
        if all(ch.isnumeric() for ch in value):
            raise ValidationError(NOT_ASCII_DIGITS, code="not_ascii_digits")
        raise ValidationError(NOT_A_NUMBER, code="not_a_number")
    significant = value.lstrip("0")
    if not significant:
        raise ValidationError(NOT_POSITIVE, code="not_positive")
    if len(significant) > PLOT_NUMBER_MAX_DIGITS:
        raise ValidationError(TOO_LONG, code="too_long")
    return int(significant)


def parse_plot_numbers(value: str) -> list[int]:
    """«269, 270;271» → [269, 270, 271]: order kept, duplicates dropped; words are an error."""
    numbers: list[int] = []
    bad: list[str] = []
    for token in _SEPARATORS.split(value or ""):
        if not token:
            continue
        try:
            number = parse_plot_number(token)
        except ValidationError:
            bad.append(token if len(token) <= 20 else f"{token[:20]}…")
            continue
        if number not in numbers:
            numbers.append(number)
    if bad:
        listed = ", ".join(f"«{token}»" for token in bad)
        raise ValidationError(
            f"Номер участка — это число из цифр 0–9, не длиннее {PLOT_NUMBER_MAX_DIGITS} знаков; "
            f"не понятно: {listed}. Перечислите номера через запятую, например 269,270.",
            code="not_a_number",
        )
    return numbers
