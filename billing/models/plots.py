from django.core.validators import MinValueValidator
from django.db import models, router, transaction

from billing.validators import validate_cadastral_number

from .imports import batch_field


class SavedAtomically:
    """A save in one transaction with its pre_save and post_save receivers: the line balance's
    monthly sums change with the row they depend on, or neither does (billing.line_sums). A delete
    is atomic already (Django's collector)."""

    def save(self, *args, **kwargs):
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            super().save(*args, **kwargs)


class Plot(SavedAtomically, models.Model):
    """A plot of the partnership's registry. The registry contacts let a member's claim
    confirm itself when they match the member's confirmed email or phone."""

    number = models.PositiveIntegerField("номер участка", unique=True, validators=[MinValueValidator(1)])
    street = models.CharField("улица", max_length=100, blank=True)
    area = models.DecimalField("площадь, соток", max_digits=8, decimal_places=2, default=0)
    electrified = models.BooleanField("электрификация", default=False)
    has_new_meter = models.BooleanField("новый счётчик", default=False)
    cadastral_number = models.CharField(
        "кадастровый номер",
        max_length=40,
        blank=True,
        validators=[validate_cadastral_number],
        help_text="Например: 50:20:0010101:123 (из выписки ЕГРН; реестр членов, ст. 15 217-ФЗ).",
    )
    owner_name = models.CharField("ФИО владельца", max_length=255, blank=True)
    owner_email = models.EmailField("email владельца", blank=True)
    owner_phone = models.CharField("телефон владельца", max_length=11, blank=True, help_text="11 цифр, начиная с 8")
    active = models.BooleanField("действует", default=True)
    main_meter = models.ForeignKey(
        "billing.MainMeter",
        verbose_name="фидер (общий счётчик)",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plots",
        limit_choices_to={"kind": "feeder"},
        help_text="Счётчик фидера, от которого питается участок; счётчик на вводе учитывает все участки.",
    )

    class Meta:
        verbose_name = "участок"
        verbose_name_plural = "участки"
        ordering = ["number"]

    def __str__(self):
        return f"Участок {self.number}"


class Meter(SavedAtomically, models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", "Однотарифный"
        TWO_ZONE = "two_zone", "Двухтарифный"

    plot = models.ForeignKey(Plot, verbose_name="участок", on_delete=models.CASCADE, related_name="meters")
    kind = models.CharField("тип", max_length=16, choices=Kind.choices, default=Kind.TWO_ZONE)
    serial = models.CharField("заводской номер", max_length=64, blank=True)
    installed_on = models.DateField("установлен", null=True, blank=True)
    removed_on = models.DateField("снят", null=True, blank=True)

    class Meta:
        verbose_name = "счётчик"
        verbose_name_plural = "счётчики"
        ordering = ["plot__number", "installed_on", "pk"]

    def __str__(self):
        label = self.serial or self.get_kind_display().lower()
        return f"Счётчик {label} (уч. {self.plot.number})"

    @property
    def is_two_zone(self) -> bool:
        return self.kind == self.Kind.TWO_ZONE


class Reading(SavedAtomically, models.Model):
    """A meter reading, normally on the 1st of the month; two consecutive readings make a period.
    `source` says where it came from: the cabinet, the SMS and the exports mark an estimate and a
    member's own reading as such."""

    class Source(models.TextChoices):
        IMPORT = "import", "загружено из файла"
        MEMBER = "member", "передано садоводом"
        ESTIMATE = "estimate", "расчётное"
        MANUAL = "manual", "введено казначеем"

    meter = models.ForeignKey(Meter, verbose_name="счётчик", on_delete=models.CASCADE, related_name="readings")
    taken_on = models.DateField("дата")
    day = models.PositiveIntegerField("день, кВт·ч")
    night = models.PositiveIntegerField("ночь, кВт·ч", default=0)
    source = models.CharField("источник", max_length=10, choices=Source.choices, default=Source.IMPORT)
    batch = batch_field(related_name="readings")

    class Meta:
        verbose_name = "показание"
        verbose_name_plural = "показания"
        ordering = ["meter", "taken_on"]
        constraints = [models.UniqueConstraint(fields=["meter", "taken_on"], name="reading_meter_date_unique")]

    def __str__(self):
        return f"{self.meter.plot.number}: {self.taken_on:%d.%m.%Y} — {self.day}/{self.night}"

    @property
    def total(self) -> int:
        return self.day + self.night
