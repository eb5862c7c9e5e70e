"""The notice log (217-ФЗ ст. 17 ч. 13): one row per (meeting, person, channel).

The unique key makes the notice go out exactly once whoever fills the log and however many times: a
second publish, a second task or a second worker finds the row already there. A row is sent only by the
worker whose claim token it carries (the same claim as the SMS outbox's)."""

from django.db import models

from members.meetings.models.meeting import Meeting


class MeetingNotice(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", "электронная почта"
        SMS = "sms", "SMS"

    class Status(models.TextChoices):
        QUEUED = "queued", "в очереди"
        SENDING = "sending", "отправляется"
        SENT = "sent", "отправлено"
        FAILED = "failed", "ошибка"
        UNKNOWN = "unknown", "неизвестно"

    meeting = models.ForeignKey(Meeting, verbose_name="собрание", on_delete=models.CASCADE, related_name="notices")
    person = models.ForeignKey(
        "meetings.Person", verbose_name="кому", on_delete=models.PROTECT, related_name="meeting_notices"
    )
    channel = models.CharField("способ", max_length=8, choices=Channel.choices)
    address = models.CharField("адрес или телефон", max_length=254)
    subject = models.CharField("тема письма", max_length=255, blank=True)
    text = models.TextField("текст")
    status = models.CharField("состояние", max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField("попыток", default=0)
    gateway_id = models.CharField("номер у шлюза", max_length=64, blank=True)
    last_error = models.CharField("ошибка", max_length=255, blank=True)
    claim = models.CharField(max_length=32, blank=True, editable=False)
    created_at = models.DateTimeField("создано", auto_now_add=True)
    updated_at = models.DateTimeField("изменено", auto_now=True)
    sent_at = models.DateTimeField("отправлено", null=True, blank=True)

    class Meta:
        verbose_name = "уведомление о собрании"
        verbose_name_plural = "уведомления о собрании"
        ordering = ["person__full_name", "channel", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person", "channel"], name="meetingnotice_once_per_channel")
        ]
        indexes = [models.Index(fields=["meeting", "status"], name="meetingnotice_meeting_status")]

    def __str__(self):
        return f"{self.person} — {self.get_channel_display()}: {self.get_status_display()}"

    @property
    def phone(self) -> str:
        """An SMS row's number (the gateway's rounds group rows by `phone`)."""
        return self.address
