"""Numbers as the member instruction prints them: roubles Russian-style («7 200,00»), kWh as
integers, the electricity table's costs with a decimal point («4370.41»), area as «7.2»."""

from decimal import ROUND_HALF_UP

from django import template

from billing.formatting import KOPECK, format_rub
from billing.formatting import to_decimal as _decimal

register = template.Library()


def format_cost(value: object) -> str:
    """«4370.41»: the electricity table's and the SMS's style, a point and no grouping."""
    number = _decimal(value)
    if number is None:
        return ""
    return f"{number.quantize(KOPECK, rounding=ROUND_HALF_UP):.2f}"


def format_kwh(value: object) -> str:
    number = _decimal(value)
    if number is None:
        return ""
    return str(int(number.to_integral_value(rounding=ROUND_HALF_UP)))


def format_area(value: object) -> str:
    """«7.2» for 7.20 сотки, «10» for 10.00: no trailing zeros, never an exponent."""
    number = _decimal(value)
    if number is None:
        return ""
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


register.filter("rub", format_rub, is_safe=True)
register.filter("cost", format_cost, is_safe=True)
register.filter("kwh", format_kwh, is_safe=True)
register.filter("area", format_area, is_safe=True)
