from django.conf import settings
from django.db import models


class ReconciliationBatch(models.Model):
    """The board's акты of many plots, made by a django-q2 task into one ZIP outside MEDIA_ROOT:
    `done` of `total` is the progress the admin page shows while it runs."""

    class Status(models.TextChoices):
        QUEUED = "queued", "в очереди"
        RUNNING = "running", "выполняется"
        DONE = "done", "готово"
        FAILED = "failed", "ошибка"

    created_at = models.DateTimeField("создано", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто запустил",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    plot_numbers = models.JSONField("участки", default=list)
    start = models.DateField("с", null=True, blank=True, help_text="пусто — с первой записи каждого участка")
    end = models.DateField("по")
    total = models.PositiveIntegerField("всего участков", default=0)
    done = models.PositiveIntegerField("готово", default=0)
    skipped = models.JSONField("пропущены", default=list, help_text="участки без записей за период")
    status = models.CharField("статус", max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.CharField("ошибка", max_length=255, blank=True)
    file_name = models.CharField("архив", max_length=100, blank=True, editable=False)
    finished_at = models.DateTimeField("завершено", null=True, blank=True)

    class Meta:
        app_label = "members"
        verbose_name = "пакет актов сверки"
        verbose_name_plural = "пакеты актов сверки"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Акты сверки № {self.pk}: {self.done} из {self.total}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, self.done * 100 // self.total)

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
