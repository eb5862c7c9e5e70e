"""Ids the admin's bulk actions read from a form: checked, never trusted."""

from collections.abc import Iterable

MAX_ID_DIGITS = 18  # every such id fits a 64-bit column; a longer one matches nothing anyway


def posted_ids(values: Iterable[str]) -> list[int]:
    """The ASCII-digit ids among `values`. `str.isdigit` also takes «²» (which `int` refuses)
    and «١٢» (which `int` reads as 12), and a 30-digit id overflows SQLite: all are dropped."""
    return [
        int(value)
        for value in values
        if value.isascii() and value.isdigit() and len(value) <= MAX_ID_DIGITS and int(value) > 0
    ]
