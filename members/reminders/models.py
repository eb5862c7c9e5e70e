from django.conf import settings
from django.db import models


class ReminderRound(models.Model):
    """One sending of reminders, as the treasurer confirmed it in the preview. `key` is the
    preview form's one-time key: two clicks (or two tabs of one preview) make one round."""

    class Status(models.TextChoices):
        PLANNED = "planned", "готовится"
        SENDING = "sending", "отправляется"
        DONE = "done", "готово"

    key = models.CharField("ключ подтверждения", max_length=40, unique=True, editable=False)
    on = models.DateField("долг на дату")
    threshold = models.DecimalField("порог, ₽", max_digits=12, decimal_places=2)
    sms_text = models.CharField("текст SMS", max_length=200)
    email_text = models.TextField("текст письма", blank=True)
    created_at = models.DateTimeField("создано", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто отправил",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField("статус", max_length=10, choices=Status.choices, default=Status.PLANNED)
    finished_at = models.DateTimeField("завершено", null=True, blank=True)
    planned = models.PositiveIntegerField("напоминаний к отправке", default=0)
    queued = models.PositiveIntegerField("SMS в очереди", default=0)
    sent = models.PositiveIntegerField("писем отправлено", default=0)
    skipped = models.PositiveIntegerField("пропущено: долг погашен", default=0)
    failed = models.PositiveIntegerField("не отправлено", default=0)

    class Meta:
        app_label = "members"
        verbose_name = "рассылка напоминаний должникам"
        verbose_name_plural = "рассылки напоминаний должникам"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Напоминания на {self.on:%d.%m.%Y} от {self.created_at:%d.%m.%Y %H:%M}"


class DebtReminder(models.Model):
    """One plot's reminder by one channel in a round. The unique key (round, plot, channel) keeps
    a plot to one SMS and one letter per round, whatever runs twice or at once."""

    class Channel(models.TextChoices):
        SMS = "sms", "SMS"
        EMAIL = "email", "эл. почта"

    class Status(models.TextChoices):
        PLANNED = "planned", "ожидает отправки"
        SENDING = "sending", "отправляется"
        QUEUED = "queued", "SMS в очереди"
        SENT = "sent", "отправлено"
        SKIPPED_PAID = "skipped_paid", "пропущено: долг погашен"
        FAILED = "failed", "не отправлено"

    round = models.ForeignKey(
        ReminderRound, verbose_name="рассылка", on_delete=models.CASCADE, related_name="reminders"
    )
    plot = models.ForeignKey("billing.Plot", verbose_name="участок", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="садовод", on_delete=models.CASCADE, related_name="debt_reminders"
    )
    channel = models.CharField("канал", max_length=5, choices=Channel.choices)
    amount = models.DecimalField("долг при подготовке", max_digits=12, decimal_places=2)
    amount_at_send = models.DecimalField("долг при отправке", max_digits=12, decimal_places=2, null=True, blank=True)
    status = models.CharField("статус", max_length=12, choices=Status.choices, default=Status.PLANNED)
    error = models.CharField("причина", max_length=255, blank=True)
    sms = models.ForeignKey(
        "members.SmsMessage",
        verbose_name="SMS в очереди",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    claim = models.CharField(max_length=32, blank=True, editable=False)
    updated_at = models.DateTimeField("изменено", auto_now=True)

    class Meta:
        app_label = "members"
        verbose_name = "напоминание о долге"
        verbose_name_plural = "напоминания о долге"
        ordering = ["round", "plot__number", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["round", "plot", "channel"], name="debtreminder_round_plot_channel_unique")
        ]
        indexes = [models.Index(fields=["round", "status"], name="debtreminder_round_status")]

    def __str__(self):
        return f"уч. {self.plot_id}, {self.get_channel_display()}: {self.get_status_display()}"
