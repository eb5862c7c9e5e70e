"""The monthly SMS text, as in the member instruction:

`СНТ Аникино: T1 520, T2 217. К оплате 4121.45. Оплатить до 5 числа.`

A Cyrillic SMS part holds 70 characters and a second part doubles the price, so when the
plot number (or a long signature) pushes the text over, it is said more briefly, in steps.
A period that ends on an estimated reading says so: «T1 520, T2 217 (расч.)».
"""

from decimal import ROUND_HALF_UP, Decimal

from members.sms.segments import sms_segments


def monthly_sms_text(
    *,
    signature: str,
    day: int,
    night: int,
    two_zone: bool,
    amount: Decimal,
    due_day: int,
    plot_number: int | None = None,
    estimated: bool = False,
) -> str:
    """One plot's period; `plot_number` is given when the member has several plots. The
    instruction's wording when it fits in one SMS part, else the first shorter form that does."""
    usage = f"T1 {day}, T2 {night}" if two_zone else f"T {day + night}"
    # the end reading is the treasurer's estimate, not the meter's: said in every form
    usages = [f"{usage} (расч.)", f"{usage} расч"] if estimated else [usage]  # «… расч. 19999.99 руб.»
    money = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    heads = (
        [signature] if plot_number is None else [f"{signature}, уч. {plot_number}", f"{signature} уч.{plot_number}"]
    )
    tails = [f"К оплате {money}. Оплатить до {due_day} числа.", f"К оплате {money} до {due_day} числа."]
    if estimated:
        tails.append(f"{money} руб. до {due_day} числа.")
    texts = [f"{head}: {used}. {tail}" for tail in tails for used in usages for head in heads]
    return next((text for text in texts if sms_segments(text) == 1), texts[0])
