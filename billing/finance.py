"""«Куда идут деньги»: a year's income by article and expenses by category, per month, against the
смета. Aggregates only — never a person, a plot or a payer account — so the same read model feeds
the public page «Доходы и расходы» and the treasurer's report with its XLSX export.

A fixed number of queries whatever the number of payments and documents: income, expenses, the
смета, and the years there is anything to show.
"""

from dataclasses import dataclass, field
from decimal import Decimal

import tablib
from django.db.models import Sum
from django.db.models.functions import ExtractMonth, ExtractYear

from billing.formatting import KOPECK
from billing.models import BankTransaction, BudgetLine, Payment
from billing.services.imports.report import csv_safe

MONTHS = ("янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")
UNCATEGORISED = "Без категории"
ZERO = Decimal("0.00")


@dataclass
class FinanceRow:
    label: str
    months: list[Decimal] = field(default_factory=lambda: [ZERO] * 12)
    planned: Decimal | None = None

    @property
    def total(self) -> Decimal:
        return sum(self.months, ZERO)

    @property
    def share_of_plan(self) -> int | None:
        """How much of the planned amount is spent, in whole percent (for the chart)."""
        if not self.planned:
            return None
        return int(self.total * 100 / self.planned)


@dataclass
class FinanceYear:
    year: int
    years: list[int]
    income: list[FinanceRow]
    expenses: list[FinanceRow]

    @property
    def income_total(self) -> FinanceRow:
        return _sum_row("Всего поступило", self.income)

    @property
    def expense_total(self) -> FinanceRow:
        row = _sum_row("Всего потрачено", self.expenses)
        plans = [r.planned for r in self.expenses if r.planned is not None]
        row.planned = sum(plans, ZERO) if plans else None
        return row

    @property
    def is_empty(self) -> bool:
        return not (self.income or self.expenses)


def finance_years() -> list[int]:
    """Every year with a payment, an outgoing bank document or a смета, newest first (one query)."""
    payments = Payment.objects.order_by().annotate(year=ExtractYear("paid_on")).values_list("year")
    outgoing = BankTransaction.objects.order_by().filter(direction=BankTransaction.Direction.OUTGOING)
    spent = outgoing.annotate(year=ExtractYear("booked_on")).values_list("year")
    planned = BudgetLine.objects.order_by().values_list("year")
    return sorted({year for (year,) in payments.union(spent, planned)}, reverse=True)


def asked_year(text: str) -> int | None:
    """A four-digit year typed in «?year=», else None (the newest year is shown)."""
    return int(text) if text.isascii() and text.isdigit() and len(text) == 4 else None


def finance_year(year: int | None = None) -> FinanceYear:
    """The year asked for if there is anything for it, else the newest year there is."""
    years = finance_years()
    if year not in years:
        year = years[0] if years else None
    if year is None:
        return FinanceYear(year=0, years=[], income=[], expenses=[])
    return FinanceYear(year=year, years=years, income=_income(year), expenses=_expenses(year))


def _income(year: int) -> list[FinanceRow]:
    rows: dict[str, FinanceRow] = {}
    payments = (
        Payment.objects.filter(paid_on__year=year)
        .annotate(month=ExtractMonth("paid_on"))
        .values("article__name", "article__sort_order", "month")
        .annotate(total=Sum("amount"))
        .order_by("article__sort_order", "article__name", "month")
    )
    for line in payments:
        row = rows.setdefault(line["article__name"], FinanceRow(line["article__name"]))
        row.months[line["month"] - 1] += line["total"].quantize(KOPECK)  # SQLite sums carry float digits
    return list(rows.values())


def _expenses(year: int) -> list[FinanceRow]:
    rows: dict[str, FinanceRow] = {}
    for name, amount in (
        BudgetLine.objects.filter(year=year)
        .order_by("category__sort_order", "category__name")
        .values_list("category__name", "amount")
    ):
        rows[name] = FinanceRow(name, planned=amount)
    spent = (
        BankTransaction.objects.filter(direction=BankTransaction.Direction.OUTGOING, booked_on__year=year)
        .annotate(month=ExtractMonth("booked_on"))
        .values("category__name", "category__sort_order", "month")
        .annotate(total=Sum("amount"))
        .order_by("category__sort_order", "category__name", "month")
    )
    for line in spent:
        name = line["category__name"] or UNCATEGORISED
        row = rows.setdefault(name, FinanceRow(name))
        row.months[line["month"] - 1] += line["total"].quantize(KOPECK)  # SQLite sums carry float digits
    return list(rows.values())


def _sum_row(label: str, rows: list[FinanceRow]) -> FinanceRow:
    total = FinanceRow(label)
    for row in rows:
        total.months = [a + b for a, b in zip(total.months, row.months, strict=True)]
    return total


def finance_dataset(report: FinanceYear) -> tablib.Dataset:
    """The report as a table for XLSX: a section of income, then of expenses, each with its total."""
    data = tablib.Dataset(headers=["Раздел", "Статья / категория", *MONTHS, "За год", "По смете"])
    sections = (
        ("Доходы", [*report.income, report.income_total]),
        ("Расходы", [*report.expenses, report.expense_total]),
    )
    for section, rows in sections:
        for row in rows:
            data.append(
                [section, csv_safe(row.label), *row.months, row.total, row.planned if row.planned is not None else ""]
            )
    data.title = f"Доходы и расходы {report.year}"
    return data
