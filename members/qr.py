"""Payment QR codes (ГОСТ Р 56042-2014) that a Russian bank app scans to fill in a transfer.

The payee's details come from the partnership's settings (members.partnership).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

import segno
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from members.partnership import partnership_settings

# (ГОСТ field, SiteSettings field); the first five are mandatory in the standard.
REQUIRED = (
    ("Name", "bank_recipient"),
    ("PersonalAcc", "bank_account"),
    ("BankName", "bank_name"),
    ("BIC", "bank_bic"),
    ("CorrespAcc", "bank_corr_account"),
)
OPTIONAL = (("PayeeINN", "bank_inn"), ("KPP", "bank_kpp"))
BANK_FIELDS = tuple(field for _, field in REQUIRED + OPTIONAL)
HEADER = "ST00012"  # format ST, version 0001, encoding 2 = UTF-8
PURPOSE_MAX = 210  # the standard's limit for Purpose


def _clean(value: object) -> str:
    """A value may not hold the separator `|` or a line break."""
    return " ".join(str(value).replace("|", " ").split())


def bank_details(request: HttpRequest | None = None) -> dict[str, str] | None:
    """The payee from the partnership's settings, or None while a mandatory detail is blank."""
    settings_bank = partnership_settings(request).bank
    bank = {field: _clean(settings_bank[field]) for field in BANK_FIELDS}
    if not all(bank[field] for _, field in REQUIRED):
        return None
    return bank


def payment_purpose(*, plot_number: int, purpose: str) -> str:
    """«Участок 269, Членские взносы 2022», cut to the standard's limit."""
    text = _clean(f"Участок {plot_number}, {purpose}" if purpose else f"Участок {plot_number}")
    return text[:PURPOSE_MAX]


def payment_qr_payload(*, bank: dict, plot_number: int, amount: Decimal, purpose: str) -> str:
    """`ST00012|Name=…|PersonalAcc=…|…|Purpose=Участок 269, …|Sum=720000`: the sum in kopecks."""
    kopecks = int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    fields = [(key, _clean(bank.get(field, ""))) for key, field in REQUIRED + OPTIONAL]
    fields = [(key, value) for key, value in fields if value]
    fields.append(("Purpose", payment_purpose(plot_number=plot_number, purpose=purpose)))
    fields.append(("Sum", str(kopecks)))
    return "|".join([HEADER, *(f"{key}={value}" for key, value in fields)])


@dataclass(frozen=True)
class PaymentCode:
    """A QR code to pay `amount` for a plot, with the purpose printed beside it for typing by hand."""

    plot_number: int
    amount: Decimal
    purpose: str
    svg: SafeString


def payment_code(*, bank: dict | None, plot_number: int, amount: Decimal | None, purpose: str) -> PaymentCode | None:
    """None without bank details or without anything to pay."""
    if bank is None or amount is None or amount <= 0:
        return None
    payload = payment_qr_payload(bank=bank, plot_number=plot_number, amount=amount, purpose=purpose)
    title = f"QR-код для оплаты: участок {plot_number}"
    svg = mark_safe(payment_qr_svg(payload, title=title))  # noqa: S308  # nosec B308 B703 - segno's SVG; segno escapes the title
    text = payment_purpose(plot_number=plot_number, purpose=purpose)
    return PaymentCode(plot_number=plot_number, amount=amount, purpose=text, svg=svg)


@lru_cache(maxsize=1024)
def payment_qr_svg(payload: str, *, title: str = "QR-код для оплаты") -> str:
    """Inline SVG (no XML declaration), scaled by CSS: `width`/`height` left out, viewBox kept.
    The same payload always draws the same code, so each is drawn once per process."""
    code = segno.make(payload, encoding="utf-8", error="m", micro=False)
    return code.svg_inline(scale=4, border=4, title=title, svgclass="payment-qr__code", omitsize=True)
