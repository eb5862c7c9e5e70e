from django.conf import settings
from django.db import models


class ImportBatch(models.Model):
    """One imported file. The same content (kind + sha256) is imported only once."""

    class Kind(models.TextChoices):
        PLOTS = "plots", "Участки"
        READINGS = "readings", "Показания"
        CHARGES = "charges", "Начисления"
        PAYMENTS = "payments", "Платежи"
        ACCRUAL = "accrual", "Начисление взносов"
        STATEMENT = "statement", "Выписка банка"
        MAIN_READINGS = "main_readings", "Показания общих счётчиков"

    kind = models.CharField("вид", max_length=16, choices=Kind.choices)
    file_name = models.CharField("файл", max_length=255)
    sha256 = models.CharField("контрольная сумма", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="загрузил",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    as_of = models.DateField("данные на дату", null=True, blank=True)
    rows_total = models.PositiveIntegerField("строк", default=0)
    rows_created = models.PositiveIntegerField("новых", default=0)
    rows_updated = models.PositiveIntegerField("изменённых", default=0)
    rows_unchanged = models.PositiveIntegerField("без изменений", default=0)
    created_at = models.DateTimeField("загружено", auto_now_add=True)

    class Meta:
        verbose_name = "загрузка"
        verbose_name_plural = "загрузки"
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["kind", "sha256"], name="importbatch_kind_sha256_unique")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.file_name} ({self.created_at:%d.%m.%Y %H:%M})"


class ImportLock(models.Model):
    """A row every import writes first in its transaction, so that imports run one at a time
    and each plans from what the previous one wrote (billing.services.imports.run)."""

    IMPORTS = "imports"

    name = models.CharField("имя", max_length=32, unique=True)
    taken_at = models.DateTimeField("взята", null=True, blank=True)

    class Meta:
        verbose_name = "блокировка импорта"
        verbose_name_plural = "блокировки импорта"

    def __str__(self):
        return self.name


def batch_field(*, related_name: str) -> models.ForeignKey:
    """The import that wrote a row; the row outlives an undone import's record."""
    return models.ForeignKey(
        "billing.ImportBatch",
        verbose_name="загрузка",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name=related_name,
    )
