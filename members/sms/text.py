"""The monthly SMS text, as in the member instruction:

`СНТ Аникино: T1 520, T2 217. К оплате 4121.45. Оплатить до 5 числа.`
"""

from decimal import ROUND_HALF_UP, Decimal


def monthly_sms_text(
    *,
    signature: str,
    day: int,
    night: int,
    two_zone: bool,
    amount: Decimal,
    due_day: int,
    plot_number: int | None = None,
) -> str:
    """One plot's period; `plot_number` is given when the member has several plots."""
    head = f"{signature}, уч. {plot_number}" if plot_number is not None else signature
    usage = f"T1 {day}, T2 {night}" if two_zone else f"T {day + night}"
    money = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{head}: {usage}. К оплате {money}. Оплатить до {due_day} числа."
