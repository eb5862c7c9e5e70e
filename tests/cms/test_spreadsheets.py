import datetime
from decimal import Decimal

import pytest

from cms.spreadsheets import formula_safe


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+79991234567", "'+79991234567"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Иван", "Иван"),
        ("a=1", "a=1"),
        ("", ""),
    ],
)
def test_text_that_starts_like_a_formula_gets_an_apostrophe(value, expected):
    assert formula_safe(value) == expected


@pytest.mark.parametrize("value", [-5, Decimal("-5.00"), -1.5, None, datetime.date(2022, 5, 1)])
def test_numbers_dates_and_none_stay_as_they_are(value):
    assert formula_safe(value) is value
