from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from wagtail.admin.panels import FieldPanel
from wagtail.models import RevisionMixin

from .imports import batch_field


class Article(RevisionMixin, models.Model):
    """A line of the member's statement: «Членские взносы 2022», «Электроэнергия» …"""

    class Kind(models.TextChoices):
        MEMBERSHIP = "membership", "Членские взносы"
        TARGET = "target", "Целевой взнос"
        ELECTRICITY = "electricity", "Электроэнергия"
        PENALTY = "penalty", "Пени"
        ADVANCE = "advance", "Предоплата"
        OTHER = "other", "Прочее"

    name = models.CharField("название", max_length=200, unique=True)
    kind = models.CharField("вид", max_length=16, choices=Kind.choices, default=Kind.OTHER)
    year = models.PositiveSmallIntegerField("год", null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField("порядок", default=0)
    due_on = models.DateField(
        "оплатить до",
        null=True,
        blank=True,
        help_text="Пусто — срок из настроек «Сроки оплаты»: взносы года — до 1 июля, электроэнергия — "
        "до 5 числа следующего месяца, прочее — 30 дней от начисления.",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("year"),
        FieldPanel("due_on"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        verbose_name = "статья"
        verbose_name_plural = "статьи"
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class FeeRate(RevisionMixin, models.Model):
    """How a year's fee of an article is accrued: per сотка of the plot's area, or per plot."""

    class Basis(models.TextChoices):
        PER_SOTKA = "per_sotka", "за сотку"
        PER_PLOT = "per_plot", "с участка"

    article = models.OneToOneField(Article, verbose_name="статья", on_delete=models.CASCADE, related_name="fee_rate")
    basis = models.CharField("основа", max_length=16, choices=Basis.choices, default=Basis.PER_SOTKA)
    rate = models.DecimalField("ставка, ₽", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    accrue_on = models.DateField("дата начисления")

    panels = [FieldPanel("article"), FieldPanel("basis"), FieldPanel("rate"), FieldPanel("accrue_on")]

    class Meta:
        verbose_name = "ставка взноса"
        verbose_name_plural = "ставки взносов"
        ordering = ["-accrue_on", "article__name"]

    def __str__(self):
        return f"{self.article}: {self.rate} ₽ {self.get_basis_display()}"


class Charge(models.Model):
    plot = models.ForeignKey("billing.Plot", verbose_name="участок", on_delete=models.CASCADE, related_name="charges")
    article = models.ForeignKey(Article, verbose_name="статья", on_delete=models.PROTECT, related_name="charges")
    amount = models.DecimalField("сумма, ₽", max_digits=12, decimal_places=2)
    accrued_on = models.DateField("дата начисления")
    batch = batch_field(related_name="charges")

    class Meta:
        verbose_name = "начисление"
        verbose_name_plural = "начисления"
        ordering = ["plot__number", "accrued_on", "article__name"]
        constraints = [
            models.UniqueConstraint(fields=["plot", "article", "accrued_on"], name="charge_plot_article_date_unique")
        ]

    def __str__(self):
        return f"{self.plot.number}: {self.article} — {self.amount}"


class Payment(models.Model):
    plot = models.ForeignKey("billing.Plot", verbose_name="участок", on_delete=models.CASCADE, related_name="payments")
    article = models.ForeignKey(Article, verbose_name="статья", on_delete=models.PROTECT, related_name="payments")
    paid_on = models.DateField("дата оплаты")
    amount = models.DecimalField("сумма, ₽", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    document = models.CharField("документ", max_length=64, blank=True, help_text="номер платёжного документа банка")
    batch = batch_field(related_name="payments")
    transaction = models.ForeignKey(
        "billing.BankTransaction",
        verbose_name="банковский документ",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="payments",
    )

    class Meta:
        verbose_name = "платёж"
        verbose_name_plural = "платежи"
        ordering = ["plot__number", "paid_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["document"], condition=~Q(document=""), name="payment_document_unique")
        ]
        # the debtors report sums every account's payments up to a date: read from the index in
        # the accounts' order, the table untouched (billing.services.debts.ranking)
        indexes = [models.Index(fields=["plot", "article", "paid_on", "amount"], name="payment_account_paid_idx")]

    def __str__(self):
        return f"{self.plot.number}: {self.paid_on:%d.%m.%Y} — {self.amount}"
