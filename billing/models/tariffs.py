from django.core.validators import MinValueValidator
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.models import RevisionMixin


class Tariff(RevisionMixin, models.Model):
    """Electricity rates; the tariff in force on a period's end date applies to it."""

    valid_from = models.DateField("действует с", unique=True)
    single_rate = models.DecimalField(
        "однотарифный, ₽/кВт·ч", max_digits=8, decimal_places=2, validators=[MinValueValidator(0)]
    )
    day_rate = models.DecimalField("день, ₽/кВт·ч", max_digits=8, decimal_places=2, validators=[MinValueValidator(0)])
    night_rate = models.DecimalField(
        "ночь, ₽/кВт·ч", max_digits=8, decimal_places=2, validators=[MinValueValidator(0)]
    )

    panels = [
        FieldPanel("valid_from"),
        FieldPanel("single_rate"),
        FieldPanel("day_rate"),
        FieldPanel("night_rate"),
    ]

    class Meta:
        verbose_name = "тариф на электроэнергию"
        verbose_name_plural = "тарифы на электроэнергию"
        ordering = ["-valid_from"]

    def __str__(self):
        return f"с {self.valid_from:%d.%m.%Y}: {self.single_rate} / {self.day_rate} / {self.night_rate}"
