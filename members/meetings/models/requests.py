"""A member's request for copies of the partnership's documents (217-ФЗ ст. 11 ч. 3–4) and the board's
answer: the files (kept privately, served only to the requester and the board), the fee, or a refusal."""

import datetime
import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from members.meetings import law


class DocumentRequest(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", "принят, готовится ответ"
        ANSWERED = "answered", "ответ готов"
        REFUSED = "refused", "отказано"

    person = models.ForeignKey(
        "meetings.Person", verbose_name="член товарищества", on_delete=models.PROTECT, related_name="document_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="пользователь сайта",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="document_requests",
    )
    token = models.UUIDField("ключ формы", default=uuid.uuid4, editable=False)
    documents = models.JSONField("документы", default=list)
    which = models.CharField("какие именно", max_length=500, blank=True)
    comment = models.TextField("комментарий садовода", max_length=1000, blank=True)
    received_at = models.DateTimeField("получен", default=timezone.now)
    status = models.CharField("статус", max_length=10, choices=Status.choices, default=Status.RECEIVED)
    fee = models.DecimalField(
        "плата за копии, ₽", max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    answer = models.TextField("ответ правления", max_length=2000, blank=True)
    answered_at = models.DateTimeField("ответ дан", null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто ответил",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "запрос копий документов"
        verbose_name_plural = "запросы копий документов"
        ordering = ["-received_at", "-pk"]
        permissions = [("answer_documentrequest", "Может отвечать на запросы копий документов")]
        constraints = [
            # one form, one request: a second click or a resent POST finds the first
            models.UniqueConstraint(fields=["person", "token"], name="documentrequest_person_token_unique"),
            models.CheckConstraint(condition=models.Q(fee__gte=0), name="documentrequest_fee_not_negative"),
        ]
        indexes = [models.Index(fields=["status", "received_at"], name="docrequest_status_received")]

    def __str__(self):
        return f"Запрос № {self.pk} от {timezone.localtime(self.received_at):%d.%m.%Y}"

    @property
    def received_on(self) -> datetime.date:
        return timezone.localtime(self.received_at).date()

    @property
    def due_on(self) -> datetime.date:
        return law.documents_due(self.received_on)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.RECEIVED

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.is_open and (today or timezone.localdate()) > self.due_on

    @property
    def document_titles(self) -> list[str]:
        return [
            law.DOCUMENT_KINDS_BY_CODE[code].title for code in self.documents if code in law.DOCUMENT_KINDS_BY_CODE
        ]


class DocumentRequestFile(models.Model):
    """A file of the answer. `name` is the random name in DOCUMENT_REQUEST_DIR (outside MEDIA_ROOT);
    `title` the name shown and offered on download."""

    request = models.ForeignKey(DocumentRequest, verbose_name="запрос", on_delete=models.CASCADE, related_name="files")
    name = models.CharField("файл", max_length=100, editable=False)
    title = models.CharField("название", max_length=150)
    size = models.PositiveIntegerField("размер, байт")
    uploaded_at = models.DateTimeField("загружен", default=timezone.now)

    class Meta:
        verbose_name = "файл ответа"
        verbose_name_plural = "файлы ответа"
        ordering = ["pk"]

    def __str__(self):
        return self.title
