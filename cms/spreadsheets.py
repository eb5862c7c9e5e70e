"""Cells a spreadsheet will show as text, never run as a formula (CSV/formula injection).

For every app's exports; billing keeps its own `csv_safe` with the same rule (billing does not
import the project package), home's feedback export uses this one.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(value: object) -> object:
    """Text that starts like a formula gets a leading apostrophe; numbers and non-text stay as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
