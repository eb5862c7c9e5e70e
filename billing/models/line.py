"""The partnership's own meters (at the transformer or per feeder), their readings, and the board's
settings of the line balance: the supplier's price and how losses are allocated to plots.

Which plots a main meter feeds: a meter «на вводе» (kind TRANSFORMER) measures the whole
partnership, so it feeds every plot; a feeder meter (kind FEEDER) feeds the plots whose
`Plot.main_meter` names it. One nullable FK on Plot, not a M2M: a plot hangs on one feeder."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from .imports import batch_field

MAX_METER_VALUE = 9_999_999  # seven digits


class MainMeter(models.Model):
    class Kind(models.TextChoices):
        TRANSFORMER = "transformer", "На вводе (все участки)"
        FEEDER = "feeder", "На фидере (свои участки)"

    name = models.CharField("название", max_length=100, unique=True)
    serial = models.CharField("заводской номер", max_length=64, blank=True)
    place = models.CharField("место / фидер", max_length=200, blank=True)
    kind = models.CharField("вид", max_length=16, choices=Kind.choices, default=Kind.TRANSFORMER)

    class Meta:
        verbose_name = "общий счётчик"
        verbose_name_plural = "общие счётчики"
        ordering = ["name"]

    def __str__(self):
        return self.name


class MainReading(models.Model):
    class Source(models.TextChoices):
        IMPORT = "import", "загружено из файла"
        MANUAL = "manual", "введено казначеем"

    main_meter = models.ForeignKey(
        MainMeter, verbose_name="общий счётчик", on_delete=models.CASCADE, related_name="readings"
    )
    taken_on = models.DateField("дата")
    day = models.PositiveIntegerField("день, кВт·ч", validators=[MaxValueValidator(MAX_METER_VALUE)])
    night = models.PositiveIntegerField("ночь, кВт·ч", default=0, validators=[MaxValueValidator(MAX_METER_VALUE)])
    source = models.CharField("источник", max_length=10, choices=Source.choices, default=Source.MANUAL)
    batch = batch_field(related_name="main_readings")

    class Meta:
        verbose_name = "показание общего счётчика"
        verbose_name_plural = "показания общих счётчиков"
        ordering = ["main_meter", "taken_on"]
        constraints = [
            models.UniqueConstraint(fields=["main_meter", "taken_on"], name="mainreading_meter_date_unique")
        ]

    def __str__(self):
        return f"{self.main_meter}: {self.taken_on:%d.%m.%Y} — {self.day}/{self.night}"

    @property
    def total(self) -> int:
        return self.day + self.night


@register_setting(icon="pick")
class LineSettings(BaseGenericSetting):
    """The line balance: what the partnership pays the supplier per kWh, and whether (and how) the
    general meeting decided to allocate the losses to plots."""

    class Allocation(models.TextChoices):
        NONE = "none", "Не распределять"
        PROPORTIONAL = "proportional", "Пропорционально потреблению участка"
        EQUAL = "equal", "Поровну на каждый участок"

    supplier_price = models.DecimalField(
        "цена поставщика, ₽/кВт·ч",
        max_digits=8,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00")), MaxValueValidator(Decimal("1000.00"))],
        help_text="Сколько СНТ платит поставщику за 1 кВт·ч по общему счётчику: по ней считается стоимость потерь.",
    )
    allocation = models.CharField(
        "распределение потерь",
        max_length=16,
        choices=Allocation.choices,
        default=Allocation.NONE,
        help_text="По решению общего собрания: потери начисляются участкам по статье «Потери».",
    )

    panels = [FieldPanel("supplier_price"), FieldPanel("allocation")]

    class Meta:
        verbose_name = "баланс электроэнергии"

    @classmethod
    def current(cls) -> "LineSettings":
        """The stored settings or the defaults unsaved: reading never writes a row."""
        return cls.objects.order_by("pk").first() or cls()


class LineBalanceMonth(models.Model):
    """The plots' sum for a month and feeder (None: plots on no feeder): data every write of the
    plots' readings, meters or feeders keeps in its own transaction (billing.line_sums), so the
    public page reads these few rows instead of summing the history. No row: a sum of nought."""

    feeder_id = models.PositiveIntegerField("фидер", null=True, blank=True)
    month = models.DateField("месяц", db_index=True)
    kwh = models.BigIntegerField("кВт·ч", default=0)
    plots = models.PositiveIntegerField("участков", default=0)
    estimated = models.PositiveIntegerField("из них расчётных", default=0)
    missing = models.PositiveIntegerField("счётчиков без показаний", default=0)

    class Meta:
        verbose_name = "сумма по участкам за месяц"
        verbose_name_plural = "суммы по участкам за месяц"

    def __str__(self):
        return f"{self.month:%m.%Y}: {self.kwh} кВт·ч"
