"""Proving a phone by a one-time SMS code. Until proven, the profile phone is only a contact.

A code is 6 digits from `secrets`, kept as an HMAC keyed by SECRET_KEY (a copy of the database
alone does not reveal it), alive for CODE_TTL, dead after MAX_ATTEMPTS wrong tries, replaced by
the next one. Sending is limited per member and per number, counted in the database so every
worker sees the same counts. A proven phone that equals a plot's registry phone confirms the
member's pending claim on it (claims.confirm_matching_claims).
"""

import datetime
import hmac
import math
import re
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from members.models import PhoneVerification, Profile
from members.services.claims import confirm_matching_claims
from members.sms.gateways import GatewayError, OutgoingSms, get_gateway, mask_phone
from members.sms.plan import sms_settings
from members.sms.segments import sms_segments

CODE_DIGITS = 6
CODE_TTL = datetime.timedelta(minutes=10)
MAX_ATTEMPTS = PhoneVerification.MAX_ATTEMPTS
RESEND_AFTER = datetime.timedelta(seconds=60)
DAILY_LIMIT = 5  # codes per member in any 24 hours
NUMBER_DAILY_LIMIT = 10  # codes to one number, whoever asks: one stranger alone cannot use up the owner's
SITE_DAILY_LIMIT_DEFAULT = 200  # codes the whole site sends a day (PHONE_CODES_PER_DAY): no SMS bill pumping
_DAY = datetime.timedelta(days=1)
_CODE_FORMAT = re.compile(rf"[0-9]{{{CODE_DIGITS}}}")  # ASCII only: no «²» or «٢»
_LOCK_NAMESPACE = 0x736D73  # pg_advisory_xact_lock(namespace, phone) serialises sends to one number


class PhoneVerificationError(Exception):
    """Something the member must be told; the message is in Russian and says what to do."""


class PhoneCodeTooSoon(PhoneVerificationError):
    def __init__(self, seconds: int) -> None:
        self.seconds = seconds
        super().__init__(f"Новый код можно получить через {seconds} {_seconds_word(seconds)}.")


@dataclass(frozen=True)
class PhoneCodeSent:
    phone: str  # masked, for the message
    expires_at: datetime.datetime


@dataclass(frozen=True)
class PhoneConfirmResult:
    """`ok` with the plots the proven phone confirmed; otherwise `error` says why, and a wrong
    try stays counted (the service returns rather than raises, so the count is committed)."""

    ok: bool
    error: str = ""
    confirmed: list[int] = field(default_factory=list)
    already_verified: bool = False


def _seconds_word(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return "секунду"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return "секунды"
    return "секунд"


def code_hash(*, phone: str, code: str) -> str:
    """Keyed hash of a code for one phone: the same code for another number never matches."""
    return salted_hmac("members.phone-verification", f"{phone}:{code}", algorithm="sha256").hexdigest()


def phone_code_text(*, code: str) -> str:
    """One SMS part: «СНТ Аникино: код подтверждения телефона 123456», shorter if the signature is long."""
    signature, _ = sms_settings()
    for text in (
        f"{signature}: код подтверждения телефона {code}",
        f"{signature}: код {code}",
        f"Код подтверждения телефона {code}",
    ):
        if sms_segments(text) == 1:
            return text
    return code  # unreachable with a 6-digit code; the last form above is one part


def _lock_profile(user: AbstractBaseUser) -> Profile | None:
    """Lock the member's profile: sends and tries of one member go one at a time."""
    return Profile.objects.select_for_update().filter(user=user).first()


def _lock_phone(phone: str) -> None:
    """PostgreSQL: one send at a time per number, whoever asks (SQLite's IMMEDIATE transactions
    already run one at a time)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, int(phone[2:])])


def _check_limits(*, user: AbstractBaseUser, phone: str, now: datetime.datetime) -> None:
    recent = PhoneVerification.objects.filter(created_at__gt=now - _DAY)
    too_many = "Слишком много кодов за сутки. Попробуйте завтра или напишите правлению."
    for rows, limit in ((recent.filter(user=user), DAILY_LIMIT), (recent.filter(phone=phone), NUMBER_DAILY_LIMIT)):
        last = rows.order_by("-created_at").values_list("created_at", flat=True).first()
        if last is not None and now - last < RESEND_AFTER:
            raise PhoneCodeTooSoon(max(1, math.ceil((RESEND_AFTER - (now - last)).total_seconds())))
        if rows.count() >= limit:
            raise PhoneVerificationError(too_many)
    if recent.count() >= getattr(settings, "PHONE_CODES_PER_DAY", SITE_DAILY_LIMIT_DEFAULT):
        raise PhoneVerificationError(
            "Сегодня сайт уже отправил много кодов. Попробуйте завтра или напишите правлению."
        )


@transaction.atomic
def _phone_code_issue(*, user: AbstractBaseUser) -> tuple[PhoneVerification, str]:
    profile = _lock_profile(user)
    if profile is None or not profile.phone:
        raise PhoneVerificationError("Сначала укажите мобильный телефон в регистрационных данных.")
    if profile.phone_verified:
        raise PhoneVerificationError("Телефон уже подтверждён.")
    phone = profile.phone
    _lock_phone(phone)
    now = timezone.now()
    _check_limits(user=user, phone=phone, now=now)
    PhoneVerification.objects.filter(user=user, used_at__isnull=True, dead=False).update(dead=True)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    row = PhoneVerification.objects.create(
        user=user,
        phone=phone,
        code_hash=code_hash(phone=phone, code=code),
        created_at=now,
        expires_at=now + CODE_TTL,
    )
    return row, code


def phone_code_send(*, user: AbstractBaseUser) -> PhoneCodeSent:
    """Issue a code for the member's profile phone and send it by SMS.

    The code is recorded (and the limits counted) in one transaction, then sent outside it: a
    slow gateway holds no lock. A message the gateway surely refused kills its code; one that may
    have gone out (a timeout) keeps it. Raises PhoneVerificationError with the Russian reason."""
    row, code = _phone_code_issue(user=user)
    message = OutgoingSms(key=row.pk, phone=row.phone, text=phone_code_text(code=code))
    try:
        results = get_gateway().send([message])
    except GatewayError as exc:
        if not exc.maybe_sent:
            PhoneVerification.objects.filter(pk=row.pk).update(dead=True)
            raise PhoneVerificationError("Не удалось отправить SMS. Попробуйте через минуту.") from exc
        results = []
    if results and results[0].outcome != "sent":
        PhoneVerification.objects.filter(pk=row.pk).update(dead=True)
        reason = results[0].error or "шлюз не принял сообщение"
        raise PhoneVerificationError(f"Не удалось отправить SMS: {reason}. Проверьте номер или попробуйте позже.")
    return PhoneCodeSent(phone=mask_phone(row.phone), expires_at=row.expires_at)


@transaction.atomic
def phone_code_confirm(*, user: AbstractBaseUser, code: str) -> PhoneConfirmResult:
    """Check a code the member typed. The right one, in time, for the phone the profile still
    shows, proves that phone and lets it confirm the member's pending claims."""
    code = (code or "").strip()
    if not _CODE_FORMAT.fullmatch(code):
        return PhoneConfirmResult(ok=False, error=f"Код — {CODE_DIGITS} цифр из SMS.")
    profile = _lock_profile(user)
    if profile is None or not profile.phone:
        return PhoneConfirmResult(ok=False, error="Сначала укажите мобильный телефон в регистрационных данных.")
    if profile.phone_verified:
        return PhoneConfirmResult(ok=True, already_verified=True)
    row = (
        PhoneVerification.objects.select_for_update()
        .filter(user=user, used_at__isnull=True, dead=False)
        .order_by("-created_at", "-pk")
        .first()
    )
    if row is None or row.phone != profile.phone:
        return PhoneConfirmResult(ok=False, error="Сначала нажмите «Получить код»: код придёт в SMS.")
    now = timezone.now()
    if row.expires_at <= now:
        return PhoneConfirmResult(ok=False, error="Срок действия кода истёк. Получите новый код.")
    if row.attempts >= MAX_ATTEMPTS:
        return PhoneConfirmResult(ok=False, error="Слишком много неверных попыток. Получите новый код.")
    row.attempts += 1
    if not hmac.compare_digest(row.code_hash, code_hash(phone=row.phone, code=code)):
        row.save(update_fields=["attempts"])
        left = MAX_ATTEMPTS - row.attempts
        if left <= 0:
            return PhoneConfirmResult(ok=False, error="Слишком много неверных попыток. Получите новый код.")
        return PhoneConfirmResult(ok=False, error=f"Неверный код. Осталось попыток: {left}.")
    row.used_at = now
    row.save(update_fields=["attempts", "used_at"])
    profile.verified_phone = row.phone
    profile.phone_verified_at = now
    profile.save(update_fields=["verified_phone", "phone_verified_at", "updated_at"])
    return PhoneConfirmResult(ok=True, confirmed=confirm_matching_claims(user=user))
