"""django-allauth customised for the partnership: Russian mail with the СНТ name, staff accounts
created from the command line, login attempts in the log, and failed-login limits nobody can turn
against a member.

Failed logins are counted per address and per login + address (ACCOUNT_RATE_LIMITS["login_failed"]),
never per login alone: a stranger hammering plot 269 from elsewhere cannot lock its owner out. A
password check costs seconds of CPU (PBKDF2), so the cheap checks run first, and at most
LOGIN_PASSWORD_CHECKS_AT_ONCE checks run at a time; a login beyond that is refused at once instead
of queueing the workers that serve everybody else."""

import logging
import time
import uuid
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.core.internal.ratelimit import get_ip
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.sites.shortcuts import get_current_site
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.urls import reverse

from members.partnership import partnership_settings

auth_log = logging.getLogger("members.auth")

# A crashed worker's slot frees itself after this long; a password check takes seconds.
PASSWORD_CHECK_SLOT_SECONDS = 30
# The owner of a plot hears about at most this many signups with their plot number a day.
TAKEN_PLOT_LETTERS_A_DAY = 3
# Set on the request by the signup form when the plot number already has an account.
TAKEN_PLOT_ATTR = "members_taken_plot_number"


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # Not shown at signup (SignupForm answers a taken plot like a new one); kept for other forms.
        "username_taken": "Этот номер участка уже зарегистрирован.",
        "username_password_mismatch": "Неверный номер участка или пароль.",  # nosec B105 - an error message
        "too_many_login_attempts": "Слишком много неудачных попыток входа. Попробуйте позже.",
        "login_busy": "Сейчас сайт проверяет слишком много входов сразу. Попробуйте ещё раз через минуту.",
    }

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        context = {"snt_name": partnership_settings(self.request).full_name, **context}
        super().send_mail(template_prefix, email, context)

    def format_email_subject(self, subject: str) -> str:
        return f"{partnership_settings(self.request).full_name}: {subject}"

    def get_login_stages(self) -> list[str]:
        verification = "allauth.account.stages.EmailVerificationStage"
        return [
            "members.stages.StaffAwareEmailVerificationStage" if stage == verification else stage
            for stage in super().get_login_stages()
        ]

    # Failed logins -----------------------------------------------------------------------

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """allauth's "key" of the login_failed limit: login + client address (+ the login's
        generation, which a new password bumps), so the limit never applies to a login from
        every address at once."""
        login = str(credentials.get("username") or credentials.get("email") or "").lower()
        domain = get_current_site(request).domain
        return f"{domain}:{login}:{login_generation(request, login)}:{get_ip(request)}"

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """The cheap refusals, before any password is hashed: the rate limits, then a free slot."""
        username = credentials.get("username", "")
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            auth_log.warning("login blocked by rate limit: username=%r ip=%s", username, client_ip(request))
            raise
        self._password_check_slot = acquire_password_check_slot(get_ip(request))
        if self._password_check_slot is None:
            self._rollback_login_failed_rl_usage()  # no password was tried: nothing to count
            auth_log.warning("login refused, password checks busy: username=%r ip=%s", username, client_ip(request))
            raise self.validation_error("login_busy")

    def authenticate(self, request: HttpRequest, **credentials: Any) -> AbstractBaseUser | None:
        self._password_check_slot = None
        try:
            return super().authenticate(request, **credentials)
        finally:
            release_password_check_slot(self._password_check_slot)
            self._password_check_slot = None

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        auth_log.warning("login failed: username=%r ip=%s", credentials.get("username", ""), client_ip(request))

    def set_password(self, user: AbstractBaseUser, password: str) -> None:
        """A new password (the emailed reset or a change) wipes the failed-login counts of its
        login from every address."""
        super().set_password(user, password)
        if self.request is not None:
            bump_login_generation(self.request, user.get_username().lower())

    # Signup with a plot number that already has an account ------------------------------

    def send_account_already_exists_mail(self, email: str) -> None:
        """allauth's answer to a signup it does not carry out. For a taken plot number the letter
        says so (to the address typed, which learns nothing the missing confirmation letter
        would not tell), and the account's owner hears about the attempt."""
        request = context.request
        number = getattr(request, TAKEN_PLOT_ATTR, None)
        if number is None:
            super().send_account_already_exists_mail(email)
            return
        urls = {
            "password_reset_url": request.build_absolute_uri(reverse("account_reset_password")),
            "login_url": request.build_absolute_uri(reverse("account_login")),
        }
        self.send_mail("account/email/plot_already_registered", email, {"plot_number": number, **urls})
        notify_plot_owner(self, request, number=number, typed_email=email, urls=urls)


def notify_plot_owner(
    adapter: AccountAdapter, request: HttpRequest, *, number: int, typed_email: str, urls: dict[str, str]
) -> None:
    """Tell the account holder of plot `number` that someone tried to sign up with it, at most
    TAKEN_PLOT_LETTERS_A_DAY times a day, and never twice when they typed their own address."""
    from django.contrib.auth import get_user_model

    owner = get_user_model().objects.filter(username=str(number)).first()
    if owner is None or not owner.email or owner.email.lower() == typed_email.lower():
        return
    counter = f"members:taken-plot-letters:{owner.pk}"
    cache.add(counter, 0, timeout=24 * 60 * 60)
    try:
        sent = cache.incr(counter)
    except ValueError:
        sent = 1
    if sent > TAKEN_PLOT_LETTERS_A_DAY:
        return
    adapter.send_mail("account/email/plot_signup_attempt", owner.email, {"plot_number": number, **urls})


def login_generation(request: HttpRequest, login: str) -> str:
    return str(cache.get(_generation_key(request, login), 0))


def bump_login_generation(request: HttpRequest, login: str) -> None:
    # Outlives every login_failed window, so an old count can never come back.
    cache.set(_generation_key(request, login), uuid.uuid4().hex, timeout=24 * 60 * 60)


def _generation_key(request: HttpRequest, login: str) -> str:
    return f"members:login-generation:{get_current_site(request).domain}:{login}"


def acquire_password_check_slot(ip: str | None = None) -> tuple[str, ...] | None:
    """The right to hash one password now: the client address's own key (one check at a time per
    address, so no single client holds every slot) and one of LOGIN_PASSWORD_CHECKS_AT_ONCE shared
    keys (Redis in production), waited for up to LOGIN_PASSWORD_CHECK_WAIT_SECONDS. None: refuse."""
    own = f"members:password-check-ip:{ip}" if ip else None
    if own is not None and not cache.add(own, 1, timeout=PASSWORD_CHECK_SLOT_SECONDS):
        return None
    slots = max(int(getattr(settings, "LOGIN_PASSWORD_CHECKS_AT_ONCE", 1)), 1)
    deadline = time.monotonic() + float(getattr(settings, "LOGIN_PASSWORD_CHECK_WAIT_SECONDS", 1))
    while True:
        for n in range(slots):
            key = f"members:password-check-slot:{n}"
            if cache.add(key, 1, timeout=PASSWORD_CHECK_SLOT_SECONDS):
                return (key, own) if own else (key,)
        if time.monotonic() >= deadline:
            break
        time.sleep(0.1)
    if own is not None:
        cache.delete(own)
    return None


def release_password_check_slot(keys: tuple[str, ...] | None) -> None:
    for key in keys or ():
        cache.delete(key)


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
