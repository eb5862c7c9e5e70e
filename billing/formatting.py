"""Roubles as the member instruction prints them: «7 200,00», a non-breaking space between
thousands and a decimal comma, rounded half up to the kopeck. One function for billing's pages and
the cabinet's (members' `rub` filter uses it)."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

NBSP = "\u00a0"
KOPECK = Decimal("0.01")


def to_decimal(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def format_rub(value: object) -> str:
    """«7 200,00»: a non-breaking space between thousands, a decimal comma."""
    number = to_decimal(value)
    if number is None:
        return ""
    text = f"{number.quantize(KOPECK, rounding=ROUND_HALF_UP):,.2f}"
    return text.replace(",", NBSP).replace(".", ",")
