from django.conf import settings
from django.db import models


class SmsMessage(models.Model):
    """The SMS outbox: one row per (member, plot, period). The unique key makes a second run,
    or two workers at once, queue nothing twice; rows are sent from here, never directly."""

    class Status(models.TextChoices):
        QUEUED = "queued", "в очереди"
        SENDING = "sending", "отправляется"
        SENT = "sent", "отправлено"
        DELIVERED = "delivered", "доставлено"
        FAILED = "failed", "ошибка"
        UNKNOWN = "unknown", "неизвестно"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="садовод", on_delete=models.CASCADE, related_name="sms_messages"
    )
    plot = models.ForeignKey("billing.Plot", verbose_name="участок", on_delete=models.CASCADE, related_name="+")
    period = models.CharField("период", max_length=7, help_text="месяц расхода, ГГГГ-ММ")
    phone = models.CharField("телефон", max_length=11)
    text = models.TextField("текст")
    segments = models.PositiveSmallIntegerField("частей", default=1)
    status = models.CharField("статус", max_length=10, choices=Status.choices, default=Status.QUEUED)
    gateway_id = models.CharField("номер у шлюза", max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField("попыток", default=0)
    error_code = models.IntegerField("код ошибки", null=True, blank=True)
    last_error = models.CharField("последняя ошибка", max_length=255, blank=True)
    next_attempt_at = models.DateTimeField("следующая попытка", null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True, editable=False)
    created_at = models.DateTimeField("создано", auto_now_add=True)
    updated_at = models.DateTimeField("изменено", auto_now=True)
    sent_at = models.DateTimeField("отправлено", null=True, blank=True)
    delivered_at = models.DateTimeField("доставлено", null=True, blank=True)

    class Meta:
        app_label = "members"
        verbose_name = "SMS"
        verbose_name_plural = "SMS-рассылка"
        ordering = ["-period", "plot__number", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "plot", "period"], name="smsmessage_user_plot_period_unique")
        ]
        indexes = [models.Index(fields=["status", "period"], name="smsmessage_status_period")]

    def __str__(self):
        return f"{self.period} уч. {self.plot_id}: {self.get_status_display()}"
