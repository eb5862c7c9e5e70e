from django.conf import settings
from django.db import models
from django.db.models import Q


class SmsMessage(models.Model):
    """The SMS outbox: one monthly row per (member, plot, period), one debt reminder per (member,
    plot, reminder round), one readings reminder per (member, plot, window's month). The unique keys
    make a second run, or two workers at once, queue nothing twice; rows are sent from here, never
    directly."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", "ежемесячное"
        REMINDER = "reminder", "напоминание о долге"
        READINGS = "readings", "напоминание о показаниях"

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
    period = models.CharField(
        "период",
        max_length=7,
        help_text="месяц расхода, ГГГГ-ММ (у напоминания о долге — месяц даты долга, о показаниях — месяц приёма)",
    )
    kind = models.CharField("вид", max_length=8, choices=Kind.choices, default=Kind.MONTHLY)
    reminder_round = models.ForeignKey(
        "members.ReminderRound",
        verbose_name="рассылка напоминаний",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sms_messages",
    )
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
            models.UniqueConstraint(
                fields=["user", "plot", "period"],
                condition=Q(kind="monthly"),
                name="smsmessage_monthly_user_plot_period_unique",
            ),
            models.UniqueConstraint(
                fields=["user", "plot", "reminder_round"],
                condition=Q(kind="reminder"),
                name="smsmessage_reminder_user_plot_round_unique",
            ),
            models.UniqueConstraint(
                fields=["user", "plot", "period"],
                condition=Q(kind="readings"),
                name="smsmessage_readings_user_plot_period_unique",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["monthly", "readings"], reminder_round__isnull=True)
                | Q(kind="reminder", reminder_round__isnull=False),
                name="smsmessage_kind_round",
            ),
        ]
        indexes = [models.Index(fields=["status", "period"], name="smsmessage_status_period")]

    def __str__(self):
        return f"{self.period} уч. {self.plot_id}: {self.get_status_display()}"
