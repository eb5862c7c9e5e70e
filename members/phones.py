"""Mobile phone numbers: stored and shown as 11 digits starting with 8 (as the SMS gateway wants)."""

import re

from django.core.exceptions import ValidationError

PHONE_ERROR = "Введите мобильный телефон в формате 89991234567: 11 цифр, начиная с 8."
_ALLOWED = re.compile(r"^\+?[0-9\s\-()]+$")  # ASCII digits: «٨٩٩٩…» is not a phone


def normalize_phone(value: str) -> str:
    """Return «8XXXXXXXXXX» for 89991234567, +7 999 123-45-67, 8-999-123-45-67 …; empty stays empty.

    Raises ValidationError for anything that is not a Russian mobile number."""
    value = (value or "").strip()
    if not value:
        return ""
    if not _ALLOWED.match(value):
        raise ValidationError(PHONE_ERROR, code="invalid_phone")
    digits = re.sub(r"[^0-9]", "", value)
    if value.startswith("+"):
        if not digits.startswith("7"):
            raise ValidationError(PHONE_ERROR, code="invalid_phone")
        digits = "8" + digits[1:]
    elif digits.startswith("7") and len(digits) == 11:
        digits = "8" + digits[1:]
    if len(digits) != 11 or not digits.startswith("89"):
        raise ValidationError(PHONE_ERROR, code="invalid_phone")
    return digits


def registry_phone(value: str) -> str:
    """A registry phone normalised for comparison; a malformed one is empty and matches nothing."""
    try:
        return normalize_phone(value)
    except ValidationError:
        return ""
