"""What makes a debt overdue and what it costs: due dates of the articles and penalty rules."""

import datetime
import string
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import RevisionMixin

from billing.models.fields import day_of_month_field

SMS_REMINDER_DEFAULT = "{name}: долг по участку {plot} — {amount} руб. Просим оплатить."
REMINDER_FIELDS = frozenset({"name", "plot", "amount"})
UNKNOWN_PLACEHOLDER = "Неизвестная подстановка: можно только {name}, {plot} и {amount}."
# A hook billing offers (billing imports no members): each function takes the SMS text and returns
# a Russian problem («does not fit one SMS part») or None; members counts the parts.
REMINDER_SMS_CHECK_HOOK = "check_reminder_sms_text"


def reminder_text_problem(text: str) -> str | None:
    """Only {name}, {plot} and {amount}, bare: no attribute, index, conversion or format spec
    (a stored text is a format string, and `{amount.__class__}` must never reach str.format)."""
    try:
        fields = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(text)]
    except ValueError:
        return "Непарная фигурная скобка: подстановки пишутся как {name}, {plot} и {amount}."
    for name, spec, conversion in fields:
        if name is not None and (name not in REMINDER_FIELDS or spec or conversion):
            return UNKNOWN_PLACEHOLDER
    return None


def render_reminder_text(text: str, *, name: str, plot: int | str, amount: str) -> str:
    """The text with its placeholders filled; a text the settings would refuse raises ValueError."""
    problem = reminder_text_problem(text)
    if problem:
        raise ValueError(problem)
    return text.format(name=name, plot=plot, amount=amount)


@register_setting(icon="date")
class DebtSettings(BaseGenericSetting):
    """Due dates where an article names none, and the reminders to debtors: one set for the
    partnership (billing's own settings, so billing never reads home's)."""

    fee_due_day = day_of_month_field("взносы: оплатить до (число)", default=1)
    fee_due_month = models.PositiveSmallIntegerField(
        "взносы: оплатить до (месяц)",
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="Членские и целевые взносы года со сроком по умолчанию: до 1 июля этого года.",
    )
    electricity_due_day = day_of_month_field(
        "электроэнергия: оплатить до (число следующего месяца)",
        default=5,
        help_text="Попадает в SMS: «Оплатить до 5 числа».",
    )
    other_due_days = models.PositiveSmallIntegerField(
        "прочие начисления: дней на оплату",
        default=30,
        validators=[MaxValueValidator(365)],
        help_text="Для статей без срока и без года: столько дней от даты начисления.",
    )
    reminder_threshold = models.DecimalField(
        "напоминать при долге от, ₽",
        max_digits=12,
        decimal_places=2,
        default=Decimal("1000.00"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    reminder_sms_text = models.CharField(
        "текст SMS-напоминания",
        max_length=200,
        default=SMS_REMINDER_DEFAULT,
        help_text="Подстановки: {name} — название СНТ для SMS, {plot} — номер участка, {amount} — сумма долга. "
        "Текст должен уместиться в одно SMS.",
    )
    reminder_email_text = models.TextField(
        "текст письма-напоминания",
        blank=True,
        default="Здравствуйте!\n\nПо участку {plot} есть просроченный долг: {amount} руб. "
        "Подробности — в личном кабинете, «Статус моих оплат».",
        help_text="Те же подстановки, что в SMS.",
    )

    panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("fee_due_day"), FieldPanel("fee_due_month")]),
                FieldPanel("electricity_due_day"),
                FieldPanel("other_due_days"),
            ],
            heading="Сроки оплаты",
        ),
        MultiFieldPanel(
            [FieldPanel("reminder_threshold"), FieldPanel("reminder_sms_text"), FieldPanel("reminder_email_text")],
            heading="Напоминания должникам",
        ),
    ]

    class Meta:
        verbose_name = "сроки оплаты и напоминания"

    @classmethod
    def current(cls) -> "DebtSettings":
        """The stored settings, or the defaults unsaved: reading them never writes a row (Wagtail's
        `load()` would create one, and a write clears the public page cache)."""
        return cls.objects.order_by("pk").first() or cls()

    def clean(self):
        super().clean()
        try:
            datetime.date(2001, self.fee_due_month, self.fee_due_day)
        except (TypeError, ValueError):
            raise ValidationError({"fee_due_day": "Такой даты нет в этом месяце."}) from None
        errors = {}
        for name in ("reminder_sms_text", "reminder_email_text"):
            problem = reminder_text_problem(getattr(self, name) or "")
            if problem:
                errors[name] = problem
        if "reminder_sms_text" not in errors and self.reminder_sms_text:
            for check in hooks.get_hooks(REMINDER_SMS_CHECK_HOOK):
                problem = check(self.reminder_sms_text)
                if problem:
                    errors["reminder_sms_text"] = problem
                    break
        if errors:
            raise ValidationError(errors)


class PenaltyRule(RevisionMixin, models.Model):
    """Пени by the charter for the articles of the kinds ticked: a percent of the overdue amount per
    day, from the day after the due date and the grace days, up to the cap; in force from–to."""

    class Cap(models.TextChoices):
        NONE = "none", "без ограничения"
        DEBT = "debt", "не больше суммы долга"
        PERCENT = "percent", "не больше заданного % долга"

    KIND_FIELDS = {
        "membership": "for_membership",
        "target": "for_target",
        "electricity": "for_electricity",
        "other": "for_other",
    }

    name = models.CharField("название", max_length=200, help_text="Например: «Пени по уставу, п. 6.3».")
    for_membership = models.BooleanField("членские взносы", default=True)
    for_target = models.BooleanField("целевые взносы", default=True)
    for_electricity = models.BooleanField("электроэнергия", default=False)
    for_other = models.BooleanField("прочие статьи", default=False)
    rate = models.DecimalField(
        "% в день",
        max_digits=6,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0.0001"), "Ставка должна быть больше нуля."), MaxValueValidator(5)],
        help_text="Например, 0,1 — одна десятая процента от суммы долга за каждый день просрочки.",
    )
    grace_days = models.PositiveSmallIntegerField(
        "льготных дней",
        default=0,
        validators=[MaxValueValidator(365)],
        help_text="Пени не начисляются столько дней после срока.",
    )
    cap = models.CharField("ограничение", max_length=8, choices=Cap.choices, default=Cap.DEBT)
    cap_percent = models.DecimalField(
        "предел, % долга",
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(1000)],
    )
    valid_from = models.DateField("действует с")
    valid_to = models.DateField("действует по", null=True, blank=True, help_text="Пусто — без срока.")

    panels = [
        FieldPanel("name"),
        MultiFieldPanel(
            [
                FieldPanel("for_membership"),
                FieldPanel("for_target"),
                FieldPanel("for_electricity"),
                FieldPanel("for_other"),
            ],
            heading="Статьи",
        ),
        FieldRowPanel([FieldPanel("rate"), FieldPanel("grace_days")]),
        FieldRowPanel([FieldPanel("cap"), FieldPanel("cap_percent")]),
        FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_to")]),
    ]

    class Meta:
        verbose_name = "правило начисления пеней"
        verbose_name_plural = "правила начисления пеней"
        ordering = ["-valid_from", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(rate__gt=0), name="penaltyrule_rate_positive"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="penaltyrule_period_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.name}: {self.rate}% в день с {self.valid_from:%d.%m.%Y}"

    @property
    def kinds(self) -> set[str]:
        return {kind for kind, field in self.KIND_FIELDS.items() if getattr(self, field)}

    def covers(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def cap_amount(self, debt: Decimal) -> Decimal | None:
        if self.cap == self.Cap.DEBT:
            return debt
        if self.cap == self.Cap.PERCENT and self.cap_percent is not None:
            return debt * self.cap_percent / 100
        return None

    def clean(self):
        super().clean()
        errors = {}
        if not self.kinds:
            errors["for_membership"] = "Отметьте хотя бы одну статью."
        if self.cap == self.Cap.PERCENT and self.cap_percent is None:
            errors["cap_percent"] = "Укажите предел в процентах от долга."
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = "Дата окончания раньше даты начала."
        if not errors and self.valid_from:
            clash = self._overlapping()
            if clash is not None:
                errors["valid_from"] = f"Срок действия пересекается с правилом «{clash}» для тех же статей."
        if errors:
            raise ValidationError(errors)

    def _overlapping(self) -> "PenaltyRule | None":
        kinds = Q()
        for field in (self.KIND_FIELDS[kind] for kind in self.kinds):
            kinds |= Q(**{field: True})
        others = PenaltyRule.objects.exclude(pk=self.pk).filter(kinds)
        others = others.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from))
        if self.valid_to is not None:
            others = others.filter(valid_from__lte=self.valid_to)
        return others.order_by("valid_from").first()
