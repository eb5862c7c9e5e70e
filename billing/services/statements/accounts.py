"""The partnership's bank accounts: BANK_ACCOUNTS when set, else the account of the statements
loaded before (the first statement sets it). Both statement formats check against them."""

from django.conf import settings

from billing.models import BankTransaction


def partnership_accounts() -> list[str]:
    ours = list(getattr(settings, "BANK_ACCOUNTS", []) or [])
    return ours or list(BankTransaction.objects.values_list("account", flat=True).distinct()[:5])
