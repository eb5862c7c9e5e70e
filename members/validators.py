"""Password rules from the member instruction, each with its own Russian message."""

import functools
import re

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError

_LATIN_DIGITS_SYMBOLS = re.compile(r"^[\x21-\x7e]+$")


class MinimumLengthValidator:
    def __init__(self, min_length: int = 6) -> None:
        self.min_length = min_length

    def validate(self, password: str, user=None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                f"Пароль слишком короткий: нужно не менее {self.min_length} знаков.", code="password_too_short"
            )

    def get_help_text(self) -> str:
        return f"Не менее {self.min_length} знаков."


class LatinCharactersValidator:
    """Latin letters, digits and ASCII symbols only: no Cyrillic, no spaces."""

    def validate(self, password: str, user=None) -> None:
        if not _LATIN_DIGITS_SYMBOLS.match(password):
            raise ValidationError(
                "Пароль может содержать только латинские буквы, цифры и знаки, без пробелов.",
                code="password_not_latin",
            )

    def get_help_text(self) -> str:
        return "Только латинские буквы, цифры и знаки."


class NotAllDigitsValidator:
    def validate(self, password: str, user=None) -> None:
        if password.isdigit():
            raise ValidationError("Пароль не может состоять только из цифр.", code="password_entirely_numeric")

    def get_help_text(self) -> str:
        return "Не только цифры."


@functools.cache
def _common_passwords() -> frozenset[str]:
    return frozenset(CommonPasswordValidator().passwords)


class NotUsernameValidator:
    """The username is the plot number, which anybody can guess: a password may not be it, nor be
    built around it (the number standing alone, with fewer than `min_rest` other characters or a
    common password around it: «pass269word»).
    Digits that merely occur inside a longer number are no weakness: plot 2 may use «Sad-2022»."""

    def __init__(self, min_rest: int = 6) -> None:
        self.min_rest = min_rest

    def validate(self, password: str, user=None) -> None:
        username = str(getattr(user, "username", "") or "").strip().lower()
        if not username:
            return
        lowered = password.lower()
        standalone = re.compile(rf"(?<!\d){re.escape(username)}(?!\d)" if username.isdigit() else re.escape(username))
        rest = standalone.sub("", lowered)
        built_around = rest != lowered and (len(rest) < self.min_rest or rest in _common_passwords())
        if lowered == username or built_around:
            raise ValidationError(
                "Пароль не должен совпадать с номером участка или строиться вокруг него: "
                f"кроме номера в нём должно быть не меньше {self.min_rest} других знаков.",
                code="password_contains_username",
            )

    def get_help_text(self) -> str:
        return "Не номер участка и не номер участка с парой знаков вокруг."


class CommonRussianPasswordValidator(CommonPasswordValidator):
    def validate(self, password: str, user=None) -> None:
        if password.lower().strip() in self.passwords:
            raise ValidationError("Этот пароль слишком распространён, придумайте другой.", code="password_too_common")

    def get_help_text(self) -> str:
        return "Не из списка распространённых паролей."
