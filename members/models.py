from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models


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
    created_at = models.DateTimeField("создан", auto_now_add=True)
    updated_at = models.DateTimeField("изменён", auto_now=True)

    class Meta:
        verbose_name = "профиль садовода"
        verbose_name_plural = "профили садоводов"

    def __str__(self):
        return f"Профиль {self.user}"


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


# The SMS outbox lives with the rest of the SMS code; Django finds it through this module.
from members.sms.models import SmsMessage  # noqa: E402

__all__ = ["PlotClaim", "Profile", "SmsMessage", "User"]
