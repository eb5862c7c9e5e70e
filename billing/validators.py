"""Validators of the plot registry's fields."""

import re

from django.core.exceptions import ValidationError

# A cadastral number of a land plot (Росреестр): округ:район:квартал:номер, e.g. 50:20:0010101:123.
# ASCII digits only: «\d» alone would take «٥٠» or «５０» too.
CADASTRAL_RE = re.compile(r"\d{2}:\d{2}:\d{6,7}:\d{1,6}", re.ASCII)
CADASTRAL_ERROR = "Кадастровый номер пишется так: 50:20:0010101:123 (цифры через двоеточие)."


def validate_cadastral_number(value: str) -> None:
    """Blank passes (the field is optional); anything else must be a whole cadastral number."""
    if value and not CADASTRAL_RE.fullmatch(value):
        raise ValidationError(CADASTRAL_ERROR, code="cadastral_number")
