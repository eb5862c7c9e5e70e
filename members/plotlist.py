"""Parsing «Номера ваших участков»: comma-separated numbers, forgiving spaces and semicolons."""

import re

from django.core.exceptions import ValidationError

_SEPARATORS = re.compile(r"[,;\s]+")


def parse_plot_numbers(value: str) -> list[int]:
    """«269, 270;271» → [269, 270, 271]: order kept, duplicates dropped; words are an error."""
    numbers: list[int] = []
    bad: list[str] = []
    for token in _SEPARATORS.split(value or ""):
        if not token:
            continue
        if token.isdigit() and int(token) > 0:
            if int(token) not in numbers:
                numbers.append(int(token))
        else:
            bad.append(token)
    if bad:
        listed = ", ".join(f"«{token}»" for token in bad)
        raise ValidationError(
            f"Номер участка — это число; не понятно: {listed}. Перечислите номера через запятую, например 269,270.",
            code="not_a_number",
        )
    return numbers
