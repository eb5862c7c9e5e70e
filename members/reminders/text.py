"""The reminder's texts: the settings' templates filled for one plot, and the check that the SMS
fits one part with the longest values it will realistically carry."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Max

from billing.models import Plot
from billing.models.debts import reminder_text_problem, render_reminder_text
from members.partnership import partnership_settings
from members.sms.segments import sms_segments

LONGEST_AMOUNT = Decimal("999999.99")  # a debt under a million roubles
SHORTEST_PLOT_DIGITS = 4


def money(amount: Decimal) -> str:
    """As in the monthly SMS: 4121.45."""
    return str(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def sms_text(template: str, *, signature: str, plot: int, amount: Decimal) -> str:
    return render_reminder_text(template, name=signature, plot=plot, amount=money(amount))


def longest_sample(template: str, *, signature: str | None = None) -> str:
    """The text with the partnership's signature, the longest plot number of the registry (at
    least four digits) and a debt of 999 999,99: what the check measures."""
    signature = partnership_settings().short_name if signature is None else signature
    largest = Plot.objects.aggregate(largest=Max("number"))["largest"] or 0
    plot = int("9" * max(SHORTEST_PLOT_DIGITS, len(str(largest))))
    return sms_text(template, signature=signature, plot=plot, amount=LONGEST_AMOUNT)


def sms_text_problem(template: str) -> str | None:
    """A Russian reason the reminder SMS text cannot be saved, or None (billing's settings ask
    through the REMINDER_SMS_CHECK_HOOK)."""
    problem = reminder_text_problem(template)
    if problem:
        return problem
    sample = longest_sample(template)
    parts = sms_segments(sample)
    if parts > 1:
        return (
            f"С подстановками текст займёт {parts} SMS, а напоминание должно уместиться в одно "
            f"(70 знаков кириллицей, 160 латиницей). Самый длинный вариант: «{sample}» — "
            f"{len(sample)} знаков. Сократите текст."
        )
    return None
