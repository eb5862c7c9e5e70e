"""The members' registry (217-ФЗ ст. 15) and the board's «Правила общего собрания» (ст. 17).

A registry Person is a person, not a site account: the board keeps it, and a site User is linked to
it only by the treasurer or the secretary (never by the member). Ownership says which plot a person
owns, what share and over which dates. The plot's cadastral number is billing's `Plot.cadastral_number`.
"""

import datetime
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from members.meetings import law
from members.meetings.forms import MeetingRulesForm
from members.meetings.shares import Span, share_overflow
from members.phones import normalize_phone


class PersonQuerySet(models.QuerySet):
    def members_on(self, day: datetime.date) -> "PersonQuerySet":
        """The members of the partnership on `day` (the quorum's denominator, ст. 17 ч. 19)."""
        return self.filter(member_since__lte=day).filter(
            Q(membership_ended_on__isnull=True) | Q(membership_ended_on__gt=day)
        )


class Person(ClusterableModel):
    """A line of the registry (ст. 15 ч. 1): ФИО, addresses, phone, membership and its dates."""

    full_name = models.CharField("ФИО", max_length=255)
    postal_address = models.TextField("почтовый адрес", blank=True)
    email = models.EmailField("электронная почта", blank=True)
    phone = models.CharField("телефон", max_length=11, blank=True, help_text="11 цифр, начиная с 8")
    is_member = models.BooleanField(
        "член товарищества", default=True, help_text="Снимите отметку для собственника участка без членства."
    )
    member_since = models.DateField("член с", null=True, blank=True)
    membership_ended_on = models.DateField("членство прекращено", null=True, blank=True)
    notes = models.TextField("примечания", blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="пользователь сайта",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registry_person",
        help_text="Связывает казначей или секретарь кнопкой «Связать с пользователем сайта».",
    )
    created_at = models.DateTimeField("создано", auto_now_add=True)
    updated_at = models.DateTimeField("изменено", auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = "запись реестра"
        verbose_name_plural = "реестр членов"
        ordering = ["full_name", "pk"]
        permissions = [("link_person", "Может связывать запись реестра с пользователем сайта")]

    def __str__(self):
        return self.full_name

    def clean_fields(self, exclude=None):
        """The phone is normalised first: «+7 (999) 123-45-67» is longer than the stored 11 digits."""
        phone_error = None
        try:
            self.phone = normalize_phone(self.phone)
        except ValidationError as error:
            phone_error = error
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.message_dict
        else:
            errors = {}
        if phone_error is not None:
            errors["phone"] = phone_error.messages
        if errors:
            raise ValidationError(errors)

    def clean(self):
        super().clean()
        self.full_name = " ".join((self.full_name or "").split())
        errors = {}
        if not self.full_name:
            errors["full_name"] = "Укажите фамилию, имя и отчество."
        if self.is_member and not self.member_since:
            errors["member_since"] = "Укажите, с какой даты человек — член товарищества."
        if self.is_member and self.membership_ended_on:
            errors["membership_ended_on"] = (
                "У действующего члена нет даты прекращения членства: снимите отметку «член товарищества»."
            )
        if self.member_since and self.membership_ended_on and self.membership_ended_on < self.member_since:
            errors["membership_ended_on"] = "Членство не может закончиться раньше, чем началось."
        if errors:
            raise ValidationError(errors)

    def ownerships_on(self, day: datetime.date):
        return [o for o in self.ownerships.all() if o.covers(day)]


class Ownership(models.Model):
    """Ownership of a plot (ст. 15 ч. 1: доля, даты, документ-основание; the cadastral number is the plot's)."""

    person = ParentalKey(Person, verbose_name="человек", on_delete=models.CASCADE, related_name="ownerships")
    plot = models.ForeignKey(
        "billing.Plot", verbose_name="участок", on_delete=models.PROTECT, related_name="registry_ownerships"
    )
    share_numerator = models.PositiveIntegerField("доля: числитель", default=1, validators=[MinValueValidator(1)])
    share_denominator = models.PositiveIntegerField(
        "доля: знаменатель", default=1, validators=[MinValueValidator(1), MaxValueValidator(1_000_000)]
    )
    owned_from = models.DateField("владеет с")
    owned_to = models.DateField("владел по", null=True, blank=True, help_text="Пусто — владеет сейчас.")
    basis = models.CharField(
        "документ-основание", max_length=255, blank=True, help_text="Например: выписка ЕГРН от 01.02.2023"
    )

    class Meta:
        verbose_name = "собственность на участок"
        verbose_name_plural = "собственность на участки"
        ordering = ["plot__number", "owned_from", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(share_numerator__gte=1) & Q(share_numerator__lte=models.F("share_denominator")),
                name="ownership_share_in_0_1",
            ),
            models.CheckConstraint(
                condition=Q(owned_to__isnull=True) | Q(owned_to__gte=models.F("owned_from")),
                name="ownership_from_before_to",
            ),
        ]

    def __str__(self):
        return f"{self.person} — уч. {self.plot.number}, доля {self.share_label}"

    @property
    def share(self) -> Fraction:
        return Fraction(self.share_numerator, self.share_denominator)

    @property
    def share_label(self) -> str:
        return (
            "целиком"
            if self.share_numerator == self.share_denominator
            else f"{self.share_numerator}/{self.share_denominator}"
        )

    def covers(self, day: datetime.date) -> bool:
        return self.owned_from <= day and (self.owned_to is None or day <= self.owned_to)

    def clean(self):
        super().clean()
        errors = {}
        numerator, denominator = self.share_numerator, self.share_denominator
        if numerator is not None and denominator and not 1 <= numerator <= denominator:
            errors["share_numerator"] = "Доля должна быть больше нуля и не больше единицы (например, 1/2 или 1/1)."
        if self.owned_from and self.owned_to and self.owned_to < self.owned_from:
            errors["owned_to"] = "Дата окончания владения раньше даты начала."
        if errors:
            raise ValidationError(errors)
        if not getattr(self, "shares_checked_by_form", False):  # the registry admin checks all rows at once
            self._check_plot_shares()

    def span(self) -> Span:
        return Span(self.owned_from, self.owned_to, self.share)

    def _check_plot_shares(self):
        """The shares of one plot on any day add up to at most 1 (against the rows already saved)."""
        if self.plot_id is None or self.owned_from is None:
            return
        others = Ownership.objects.filter(plot_id=self.plot_id).exclude(pk=self.pk)
        others = others.filter(Q(owned_to__isnull=True) | Q(owned_to__gte=self.owned_from))
        if self.owned_to is not None:
            others = others.filter(owned_from__lte=self.owned_to)
        overflow = share_overflow([self.span(), *(other.span() for other in others)])
        if overflow is not None:
            raise ValidationError({"share_numerator": share_overflow_message(self.plot.number, *overflow)})


def share_overflow_message(number: int, day: datetime.date, total: Fraction) -> str:
    return (
        f"Сумма долей участка {number} на {day:%d.%m.%Y} — {total}, а должна быть не больше 1. "
        "Проверьте доли и даты владения."
    )


def default_qualified_topics() -> list[str]:
    return list(law.QUALIFIED_DEFAULT)


def default_owner_topics() -> list[str]:
    return list(law.OWNERS_VOTE_DEFAULT)


@register_setting(icon="list-ul")
class MeetingRules(BaseGenericSetting):
    """«Правила общего собрания»: the lists of law.py as the board adjusts them, with the basis."""

    qualified_topics = models.JSONField(
        "вопросы, решаемые 2/3 голосов присутствующих",
        default=default_qualified_topics,
        blank=True,
        help_text="ст. 17 ч. 2 217-ФЗ; остальные вопросы — простым большинством (ч. 3).",
    )
    owner_topics = models.JSONField(
        "вопросы, по которым голосуют собственники без членства",
        default=default_owner_topics,
        blank=True,
        help_text="ст. 5 ч. 6 и ст. 17 ч. 1 п. 4–6.1, 21, 22, 24, 26 217-ФЗ.",
    )
    absentee_allowed = models.BooleanField(
        "устав разрешает заочное и очно-заочное голосование",
        default=law.ABSENTEE_DEFAULT,
        help_text="ст. 17 ч. 21–24 217-ФЗ",
    )
    notice_days = models.PositiveSmallIntegerField(
        "уведомление о собрании не позднее чем за, дней",
        default=law.NOTICE_DAYS,
        validators=[MinValueValidator(law.NOTICE_DAYS), MaxValueValidator(90)],
        help_text="Закон: не менее 14 дней (ст. 17 ч. 13). Устав может требовать больше.",
    )
    materials_days = models.PositiveSmallIntegerField(
        "материалы доступны не позднее чем за, дней",
        default=law.MATERIALS_DAYS,
        validators=[MinValueValidator(law.MATERIALS_DAYS), MaxValueValidator(90)],
        help_text="Закон: не менее 7 дней (ст. 17 ч. 17).",
    )
    basis = models.TextField(
        "основание изменения",
        blank=True,
        help_text="Если правила отличаются от закона по умолчанию: пункт устава, решение собрания, закон.",
    )

    panels = [
        FieldPanel("notice_days"),
        FieldPanel("materials_days"),
        FieldPanel("absentee_allowed"),
        FieldPanel("qualified_topics"),
        FieldPanel("owner_topics"),
        FieldPanel("basis"),
    ]
    base_form_class = MeetingRulesForm

    class Meta:
        verbose_name = "Правила общего собрания"

    def __str__(self):
        return "Правила общего собрания"

    def differs_from_law(self) -> bool:
        return (
            set(self.qualified_topics or []) != set(law.QUALIFIED_DEFAULT)
            or set(self.owner_topics or []) != set(law.OWNERS_VOTE_DEFAULT)
            or self.absentee_allowed != law.ABSENTEE_DEFAULT
            or self.notice_days != law.NOTICE_DAYS
            or self.materials_days != law.MATERIALS_DAYS
        )

    def clean(self):
        super().clean()
        errors = {}
        for field in ("qualified_topics", "owner_topics"):
            codes = getattr(self, field)
            if not isinstance(codes, list) or any(code not in law.TOPICS_BY_CODE for code in codes):
                errors[field] = "Выберите вопросы из списка."
        self.basis = (self.basis or "").strip()
        if not errors and self.differs_from_law() and not self.basis:
            errors["basis"] = (
                "Правила отличаются от закона по умолчанию: укажите основание (пункт устава, решение собрания)."
            )
        if errors:
            raise ValidationError(errors)

    def majority_for(self, code: str) -> str:
        return law.majority_for(code, self.qualified_topics)

    def owners_vote(self, code: str) -> bool:
        return law.owners_vote(code, self.owner_topics)
