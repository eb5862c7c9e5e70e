"""Checks of Russian bank details, so a payment QR code is one a bank app accepts.

Each rule cites its source; a bank app refuses a code whose account fails the control key.
"""

import re

_DIGITS = re.compile(r"[0-9]+", re.ASCII)
_KPP = re.compile(r"[0-9]{4}[0-9A-Z]{2}[0-9]{3}", re.ASCII)

# Положение ЦБ РФ № 579-П (ранее Правила ЦБ РФ от 08.09.1997 № 515): контрольный ключ
# счёта — сумма младших разрядов произведений цифр на весовые коэффициенты 7, 1, 3, 7, 1, 3, …
_ACCOUNT_WEIGHTS = (7, 1, 3) * 8
# Приказ ФНС России от 29.06.2012 № ММВ-7-6/435@: контрольные числа ИНН.
_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _only_digits(value: str, length: int) -> bool:
    return len(value) == length and bool(_DIGITS.fullmatch(value))


def _account_key_ok(digits: str) -> bool:
    return sum(int(d) * w for d, w in zip(digits, _ACCOUNT_WEIGHTS, strict=False)) % 10 == 0


def _inn_check_digit(digits: str, weights: tuple[int, ...]) -> str:
    return str(sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10)


def bic_error(bic: str) -> str | None:
    """БИК: 9 цифр; российские банки начинаются с «04» (Положение ЦБ РФ № 732-П)."""
    if not _only_digits(bic, 9):
        return "БИК — это 9 цифр."
    if not bic.startswith("04"):
        return "БИК российского банка начинается с 04."
    return None


def inn_error(inn: str) -> str | None:
    """ИНН: 10 цифр у организации, 12 у человека, с контрольными числами."""
    if not (_only_digits(inn, 10) or _only_digits(inn, 12)):
        return "ИНН — это 10 цифр (организация) или 12 цифр."
    if len(inn) == 10:
        ok = inn[9] == _inn_check_digit(inn[:9], _INN10_WEIGHTS)
    else:
        ok = inn[10] == _inn_check_digit(inn[:10], _INN12_WEIGHTS_11) and inn[11] == _inn_check_digit(
            inn[:11], _INN12_WEIGHTS_12
        )
    return None if ok else "ИНН с ошибкой: не сходится контрольное число. Проверьте цифры."


def kpp_error(kpp: str) -> str | None:
    """КПП: 9 знаков — 4 цифры, 2 цифры или латинские буквы, 3 цифры (приказ ФНС № ММВ-7-6/435@)."""
    if not _KPP.fullmatch(kpp):
        return "КПП — это 9 знаков: 4 цифры, 2 цифры или заглавные латинские буквы, 3 цифры."
    return None


def settlement_account_error(account: str, bic: str) -> str | None:
    """Расчётный счёт: 20 цифр; ключ считается по последним 3 цифрам БИК и счёту."""
    if not _only_digits(account, 20):
        return "Расчётный счёт — это 20 цифр."
    if bic_error(bic) is None and not _account_key_ok(bic[-3:] + account):
        return "Расчётный счёт не сходится с БИК по контрольному ключу ЦБ РФ. Проверьте счёт и БИК."
    return None


def corr_account_error(account: str, bic: str) -> str | None:
    """Корреспондентский счёт: 20 цифр, начинается с 30101; ключ — по «0» и 5–6 цифрам БИК."""
    if not _only_digits(account, 20):
        return "Корреспондентский счёт — это 20 цифр."
    if not account.startswith("30101"):
        return "Корреспондентский счёт банка начинается с 30101."
    if bic_error(bic) is None and not _account_key_ok("0" + bic[4:6] + account):
        return "Корреспондентский счёт не сходится с БИК по контрольному ключу ЦБ РФ."
    return None


def bank_details_errors(*, account: str, bic: str, corr_account: str, inn: str, kpp: str) -> dict[str, str]:
    """Field name → Russian message for every filled-in detail that fails its check."""
    checks = {
        "bank_bic": (bic, lambda: bic_error(bic)),
        "bank_account": (account, lambda: settlement_account_error(account, bic)),
        "bank_corr_account": (corr_account, lambda: corr_account_error(corr_account, bic)),
        "bank_inn": (inn, lambda: inn_error(inn)),
        "bank_kpp": (kpp, lambda: kpp_error(kpp)),
    }
    errors = {}
    for field, (value, check) in checks.items():
        if value and (message := check()):
            errors[field] = message
    return errors
