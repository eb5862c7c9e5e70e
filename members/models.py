from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


class User(AbstractUser):
    """A site account. For a member the username is the plot number (the smallest one
    where a member has several); staff accounts may use any name."""

    class Meta(AbstractUser.Meta):
        verbose_name = "пользователь"
        verbose_name_plural = "пользователи"
        swappable = "AUTH_USER_MODEL"


class Profile(models.Model):
    """What a member tells about themselves; the phone is stored normalised (8XXXXXXXXXX)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="пользователь", on_delete=models.CASCADE, related_name="profile"
    )
    owner_name = models.CharField("ФИО владельца", max_length=255, blank=True)
    contact_persons = models.TextField("контактные лица", blank=True)
    phone = models.CharField("мобильный телефон", max_length=11, blank=True, help_text="11 цифр, начиная с 8")
    sms_consent = models.BooleanField("согласие на SMS", default=False)
    debt_email_consent = models.BooleanField(
        "напоминания о долгах по электронной почте",
        default=True,
        help_text="служебное уведомление: приходит на подтверждённый адрес, пока садовод не откажется",
    )
    verified_phone = models.CharField(
        "подтверждённый телефон",
        max_length=11,
        blank=True,
        editable=False,
        help_text="номер, доказанный кодом из SMS; пока он равен телефону профиля, телефон подтверждён",
    )
    phone_verified_at = models.DateTimeField("телефон подтверждён", null=True, blank=True, editable=False)
    created_at = models.DateTimeField("создан", auto_now_add=True)
    updated_at = models.DateTimeField("изменён", auto_now=True)

    class Meta:
        verbose_name = "профиль садовода"
        verbose_name_plural = "профили садоводов"

    def __str__(self):
        return f"Профиль {self.user}"

    @property
    def phone_verified(self) -> bool:
        """The typed phone proves nothing; only a number proven by an SMS code counts, and only
        while the profile still shows that number."""
        return bool(self.phone) and self.verified_phone == self.phone


class PhoneVerification(models.Model):
    """A one-time code sent by SMS to the member's phone. Only a keyed hash of the code is kept;
    the code dies when it expires, after too many wrong tries, or once used."""

    MAX_ATTEMPTS = 5

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="садовод",
        on_delete=models.CASCADE,
        related_name="phone_verifications",
    )
    phone = models.CharField("телефон", max_length=11)
    code_hash = models.CharField("хеш кода", max_length=64, editable=False)
    created_at = models.DateTimeField("отправлен", default=timezone.now)
    expires_at = models.DateTimeField("действует до")
    attempts = models.PositiveSmallIntegerField("попыток ввода", default=0)
    used_at = models.DateTimeField("использован", null=True, blank=True)
    dead = models.BooleanField("недействителен", default=False, help_text="заменён новым кодом или не отправлен")

    class Meta:
        verbose_name = "код подтверждения телефона"
        verbose_name_plural = "коды подтверждения телефона"
        indexes = [
            models.Index(fields=["user", "created_at"], name="phoneverif_user_created"),
            models.Index(fields=["phone", "created_at"], name="phoneverif_phone_created"),
        ]

    def __str__(self):
        return f"Код для {self.user} от {self.created_at:%d.%m.%Y %H:%M}"


class PlotClaim(models.Model):
    """A member's statement «this plot is mine». Only a confirmed claim opens the plot's data."""

    class Status(models.TextChoices):
        PENDING = "pending", "Ожидает подтверждения"
        CONFIRMED = "confirmed", "Подтверждён"
        REJECTED = "rejected", "Отклонён"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="садовод", on_delete=models.CASCADE, related_name="plot_claims"
    )
    plot = models.ForeignKey("billing.Plot", verbose_name="участок", on_delete=models.CASCADE, related_name="claims")
    status = models.CharField("статус", max_length=16, choices=Status.choices, default=Status.PENDING)
    comment = models.CharField("причина / комментарий", max_length=255, blank=True)
    created_at = models.DateTimeField("создана", auto_now_add=True)
    decided_at = models.DateTimeField("решение принято", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кем принято",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "заявка на участок"
        verbose_name_plural = "заявки на участки"
        ordering = ["plot__number", "pk"]
        constraints = [models.UniqueConstraint(fields=["user", "plot"], name="plotclaim_user_plot_unique")]
        indexes = [models.Index(fields=["status", "created_at"], name="plotclaim_status_created")]

    def __str__(self):
        return f"{self.user} → {self.plot.number} ({self.get_status_display()})"


# The SMS outbox, the reminders to debtors, the members' readings and the batches of акты сверки
# live with the rest of their code; Django finds them here.
from members.readings.models import ReadingSettings, ReadingSubmission  # noqa: E402
from members.reconciliation.models import ReconciliationBatch  # noqa: E402
from members.reminders.models import DebtReminder, ReminderRound  # noqa: E402
from members.sms.models import SmsMessage  # noqa: E402

__all__ = [
    "DebtReminder",
    "PhoneVerification",
    "PlotClaim",
    "Profile",
    "ReadingSettings",
    "ReadingSubmission",
    "ReconciliationBatch",
    "ReminderRound",
    "SmsMessage",
    "User",
]
