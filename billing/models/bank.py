"""Money from the bank: every document of the partnership's statements stored once, what it
became (payments, an expense, a place in the queue), the payers the treasurer taught us, the
expense categories and the смета they are planned against."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.models import RevisionMixin

from .imports import batch_field


class ExpenseCategory(models.Model):
    """What the partnership spends on: «Электроэнергия поставщику», «Вывоз мусора», «Налоги» …
    `words` guess the category of an outgoing document from its recipient and purpose."""

    name = models.CharField("название", max_length=100, unique=True)
    words = models.TextField(
        "слова для распознавания",
        blank=True,
        help_text="части слов из получателя или назначения платежа, через запятую: «энергосбыт, электроэнерг»",
    )
    sort_order = models.PositiveSmallIntegerField("порядок", default=0)

    panels = [FieldPanel("name"), FieldPanel("words"), FieldPanel("sort_order")]

    class Meta:
        verbose_name = "категория расходов"
        verbose_name_plural = "категории расходов"
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name

    @property
    def word_list(self) -> list[str]:
        return [word.strip().lower().replace("ё", "е") for word in self.words.split(",") if word.strip()]


class BudgetLine(RevisionMixin, models.Model):
    """A line of the смета adopted by the general meeting: a year's planned spending on a category."""

    year = models.PositiveSmallIntegerField("год", validators=[MinValueValidator(2000)])
    category = models.ForeignKey(
        ExpenseCategory, verbose_name="категория", on_delete=models.PROTECT, related_name="budget_lines"
    )
    amount = models.DecimalField("план, ₽", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])

    panels = [FieldPanel("year"), FieldPanel("category"), FieldPanel("amount")]

    class Meta:
        verbose_name = "строка сметы"
        verbose_name_plural = "смета"
        ordering = ["-year", "category__sort_order", "category__name"]
        constraints = [models.UniqueConstraint(fields=["year", "category"], name="budgetline_year_category_unique")]

    def __str__(self):
        return f"Смета {self.year}: {self.category} — {self.amount} ₽"


class BankTransaction(models.Model):
    """One document of a bank statement. Overlapping statements and reloads find it by its key
    (account, date, number, amount, payer account) and add nothing."""

    class Direction(models.TextChoices):
        INCOMING = "in", "Поступление"
        OUTGOING = "out", "Списание"

    class Status(models.TextChoices):
        POSTED = "posted", "Разнесён"
        QUEUED = "queued", "Неразобран"
        EXPENSE = "expense", "Расход"
        SKIPPED = "skipped", "Не взнос"

    batch = batch_field(related_name="bank_transactions")
    account = models.CharField("наш счёт", max_length=20)
    direction = models.CharField("направление", max_length=3, choices=Direction.choices)
    kind = models.CharField("вид документа", max_length=64)
    number = models.CharField("номер", max_length=32, blank=True)
    date = models.DateField("дата документа")
    booked_on = models.DateField("дата по банку", help_text="поступило на счёт или списано со счёта")
    amount = models.DecimalField("сумма, ₽", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    payer_account = models.CharField("счёт плательщика", max_length=20, blank=True)
    payer_name = models.CharField("плательщик", max_length=255, blank=True)
    payer_inn = models.CharField("ИНН плательщика", max_length=12, blank=True)
    recipient_account = models.CharField("счёт получателя", max_length=20, blank=True)
    recipient_name = models.CharField("получатель", max_length=255, blank=True)
    recipient_inn = models.CharField("ИНН получателя", max_length=12, blank=True)
    purpose = models.CharField("назначение платежа", max_length=1000, blank=True)
    status = models.CharField("состояние", max_length=8, choices=Status.choices)
    reason = models.CharField("почему так", max_length=255, blank=True)
    suggested_plot = models.ForeignKey(
        "billing.Plot",
        verbose_name="предложен участок",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    category = models.ForeignKey(
        ExpenseCategory,
        verbose_name="категория расходов",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transactions",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="разобрал",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("разобран", null=True, blank=True)

    class Meta:
        verbose_name = "банковский документ"
        verbose_name_plural = "банковские документы"
        ordering = ["-booked_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "date", "number", "amount", "payer_account"], name="banktransaction_key_unique"
            )
        ]
        indexes = [models.Index(fields=["status", "booked_on"], name="banktransaction_status_booked")]

    def __str__(self):
        return f"№ {self.number or '—'} от {self.date:%d.%m.%Y}: {self.amount} ₽"

    def reference(self, part: int = 1) -> str:
        """The document a payment posted from it keeps: unique per transaction and split part."""
        return f"bank-{self.pk}" if part == 1 else f"bank-{self.pk}-{part}"


class KnownPayer(models.Model):
    """A payer the treasurer assigned to a plot: the next transfer from the same account and name
    posts by itself. Never a bank's transit account alone: there the name is the payer."""

    account = models.CharField("счёт плательщика", max_length=20, blank=True)
    name = models.CharField("плательщик", max_length=255)
    plot = models.ForeignKey(
        "billing.Plot", verbose_name="участок", on_delete=models.CASCADE, related_name="known_payers"
    )
    learnt_from = models.ForeignKey(
        BankTransaction,
        verbose_name="по документу",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("запомнен", auto_now_add=True)

    class Meta:
        verbose_name = "известный плательщик"
        verbose_name_plural = "известные плательщики"
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["account", "name", "plot"], name="knownpayer_unique")]

    def __str__(self):
        return f"{self.name} → уч. {self.plot.number}"
