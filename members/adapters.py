"""django-allauth customised for the partnership: Russian mail with the СНТ name, staff accounts
created from the command line, and login attempts in the log."""

import logging
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from members.sitename import snt_name

auth_log = logging.getLogger("members.auth")


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "username_taken": "Этот номер участка уже зарегистрирован. Если это ваш участок, "
        "воспользуйтесь ссылкой «Забыли пароль?» или напишите правлению.",
        "username_password_mismatch": "Неверный номер участка или пароль.",  # nosec B105 - an error message
        "too_many_login_attempts": "Слишком много неудачных попыток входа. Попробуйте позже.",
    }

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        context = {"snt_name": snt_name(self.request), **context}
        super().send_mail(template_prefix, email, context)

    def format_email_subject(self, subject: str) -> str:
        return f"{snt_name(self.request)}: {subject}"

    def get_login_stages(self) -> list[str]:
        verification = "allauth.account.stages.EmailVerificationStage"
        return [
            "members.stages.StaffAwareEmailVerificationStage" if stage == verification else stage
            for stage in super().get_login_stages()
        ]

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        auth_log.warning("login failed: username=%r ip=%s", credentials.get("username", ""), client_ip(request))

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            auth_log.warning(
                "login blocked by rate limit: username=%r ip=%s", credentials.get("username", ""), client_ip(request)
            )
            raise


def client_ip(request: HttpRequest | None) -> str:
    """The client address as allauth sees it (honours ALLAUTH_TRUSTED_PROXY_COUNT), for the log."""
    if request is None:
        return "-"
    try:
        return AccountAdapter(request).get_client_ip(request)
    except PermissionDenied:
        return "-"


def log_user_logged_in(sender: type[AbstractBaseUser], request: HttpRequest, user: AbstractBaseUser, **kwargs: Any):
    auth_log.info("login ok: username=%r ip=%s", user.get_username(), client_ip(request))
