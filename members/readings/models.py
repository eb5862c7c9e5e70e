from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from billing.models.fields import day_of_month_field
from members.sms.segments import sms_segments

READINGS_SMS_DEFAULT = "{name}: с {start} по {end} число передайте показания счётчика на сайте."
SMS_CHECK_SIGNATURE = "СНТ"  # when the partnership has no SMS signature yet


@register_setting(icon="pick")
class ReadingSettings(BaseGenericSetting):
    """When members may report their meters, and the SMS sent when that starts."""

    window_start_day = day_of_month_field("приём показаний: с (число месяца)", default=20)
    window_end_day = day_of_month_field(
        "приём показаний: по (число месяца)",
        default=25,
        help_text="Включительно. Показания, переданные в эти дни, учитываются на 1 число следующего месяца.",
    )
    sms_text = models.CharField(
        "текст SMS в начале приёма",
        max_length=200,
        default=READINGS_SMS_DEFAULT,
        help_text="Подстановки: {name} — название СНТ для SMS, {start} и {end} — числа начала и конца приёма. "
        "Текст должен уместиться в одно SMS (70 символов кириллицей).",
    )

    panels = [
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("window_start_day"), FieldPanel("window_end_day")]), FieldPanel("sms_text")],
            heading="Приём показаний от садоводов",
        )
    ]

    class Meta:
        app_label = "members"
        verbose_name = "приём показаний"

    @classmethod
    def current(cls) -> "ReadingSettings":
        """The stored settings, or the defaults unsaved: reading them never writes a row."""
        return cls.objects.order_by("pk").first() or cls()

    def render_sms(self, signature: str) -> str:
        return self.sms_text.format(name=signature, start=self.window_start_day, end=self.window_end_day)

    def clean(self):
        super().clean()
        if self.window_start_day and self.window_end_day and self.window_start_day > self.window_end_day:
            raise ValidationError({"window_end_day": "Конец приёма не может быть раньше начала."})
        try:
            text = self.render_sms(_sms_signature())
        except (KeyError, IndexError, ValueError):
            raise ValidationError(
                {"sms_text": "Неизвестная подстановка: можно только {name}, {start} и {end}."}
            ) from None
        parts = sms_segments(text)
        if parts != 1:
            raise ValidationError(
                {"sms_text": f"Текст занимает {parts} SMS (с подписью: «{text}»); сократите его до одного SMS."}
            )


def _sms_signature() -> str:
    """The signature the SMS will carry: the default site's (imported here: members.partnership
    reads home's models, which are not loaded yet when this module is)."""
    from members.partnership import partnership_settings

    return partnership_settings().short_name or SMS_CHECK_SIGNATURE


class ReadingSubmission(models.Model):
    """A member's reading of one meter for one window (period ГГГГ-ММ), until the treasurer decides.
    One row per meter and period: a second submission corrects the first while it is pending."""

    class Status(models.TextChoices):
        PENDING = "pending", "ждёт проверки"
        ACCEPTED = "accepted", "принято"
        REJECTED = "rejected", "отклонено"
        SUPERSEDED = "superseded", "показание уже загружено из файла"

    meter = models.ForeignKey("billing.Meter", verbose_name="счётчик", on_delete=models.CASCADE, related_name="+")
    period = models.CharField("период", max_length=7, help_text="месяц приёма, ГГГГ-ММ")
    taken_on = models.DateField("на дату", help_text="1 число месяца после приёма")
    day = models.PositiveIntegerField("день (T1), кВт·ч")
    night = models.PositiveIntegerField("ночь (T2), кВт·ч", default=0)
    photo = models.CharField("фото", max_length=100, blank=True, editable=False)
    confirmed = models.BooleanField("садовод подтвердил необычное показание", default=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="садовод",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reading_submissions",
    )
    submitted_at = models.DateTimeField("передано", default=timezone.now)
    status = models.CharField("статус", max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.CharField("причина отказа", max_length=255, blank=True)
    decided_at = models.DateTimeField("решение принято", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кем принято",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reading = models.ForeignKey(
        "billing.Reading", verbose_name="показание", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        app_label = "members"
        verbose_name = "показание садовода"
        verbose_name_plural = "показания садоводов"
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["meter", "period"], name="readingsubmission_meter_period_unique")
        ]
        indexes = [models.Index(fields=["status", "submitted_at"], name="readingsub_status_submitted")]

    def __str__(self):
        return f"{self.period}, счётчик {self.meter_id}: {self.day}/{self.night} ({self.get_status_display()})"

    @property
    def total(self) -> int:
        return self.day + self.night
