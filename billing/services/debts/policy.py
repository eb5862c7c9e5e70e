"""When a charge must be paid: the article's own date, else the partnership's rule for its kind."""

import datetime
from dataclasses import dataclass

from django.db.models import Model, Subquery

from billing.models import Article, DebtSettings

FEE_KINDS = frozenset({Article.Kind.MEMBERSHIP, Article.Kind.TARGET})


@dataclass(frozen=True)
class DuePolicy:
    fee_month: int = 7
    fee_day: int = 1
    electricity_day: int = 5
    other_days: int = 30

    COLUMNS = {
        "fee_month": "fee_due_month",
        "fee_day": "fee_due_day",
        "electricity_day": "electricity_due_day",
        "other_days": "other_due_days",
    }

    @classmethod
    def annotations(cls) -> dict[str, Subquery]:
        """The stored settings as columns another query carries (the cabinet's page budget has no
        room for a query of its own); read back with `from_annotated`."""
        stored = DebtSettings.objects.order_by("pk")
        return {f"due_{name}": Subquery(stored.values(column)[:1]) for name, column in cls.COLUMNS.items()}

    @classmethod
    def from_annotated(cls, row: Model) -> "DuePolicy":
        values = {name: getattr(row, f"due_{name}") for name in cls.COLUMNS}
        return cls(**{name: value for name, value in values.items() if value is not None})

    @classmethod
    def current(cls) -> "DuePolicy":
        stored = DebtSettings.current()
        return cls(
            fee_month=stored.fee_due_month,
            fee_day=stored.fee_due_day,
            electricity_day=stored.electricity_due_day,
            other_days=stored.other_due_days,
        )

    def for_charge(
        self, *, kind: str, year: int | None, due_on: datetime.date | None, accrued_on: datetime.date
    ) -> datetime.date:
        """The article's date; a year's fee by `fee_day.fee_month` of its year; a penalty at once;
        anything else `other_days` after it was charged. Never before the charge itself."""
        if due_on is None:
            if kind in FEE_KINDS and year:
                due_on = datetime.date(year, self.fee_month, self.fee_day)
            elif kind == Article.Kind.PENALTY:
                due_on = accrued_on
            else:
                due_on = accrued_on + datetime.timedelta(days=self.other_days)
        return max(due_on, accrued_on)

    def accrued_by(
        self, *, kind: str, year: int | None, due_on: datetime.date | None, due_by: datetime.date
    ) -> datetime.date | None:
        """A charge of this article is due on or before `due_by` (its `for_charge` date) exactly
        when it was accrued on or before the day returned; None: no charge of it is. `for_charge`
        never decreases with the charge's date, so a query picks such charges of every article with
        one comparison each."""
        if due_on is None and kind in FEE_KINDS and year:
            due_on = datetime.date(year, self.fee_month, self.fee_day)
        if due_on is not None:  # max(due_on, accrued_on) <= due_by
            return due_by if due_on <= due_by else None
        if kind == Article.Kind.PENALTY:  # due when charged
            return due_by
        return due_by - datetime.timedelta(days=self.other_days)  # accrued_on + other_days <= due_by

    def late_if_accrued_before(
        self, *, kind: str, year: int | None, due_on: datetime.date | None, on: datetime.date
    ) -> datetime.date | None:
        """A charge of this article is overdue on `on` (its `for_charge` date is before `on`)
        exactly when it was accrued before the day returned; None: no charge of it is."""
        day = self.accrued_by(kind=kind, year=year, due_on=due_on, due_by=on - datetime.timedelta(days=1))
        return None if day is None else day + datetime.timedelta(days=1)

    def for_period(self, end: datetime.date) -> datetime.date:
        """Electricity of a period is paid by the due day of the month after the one it ends in
        (readings of 1 June close May: due 5 June; readings of 15 June: due 5 July)."""
        last_day = end - datetime.timedelta(days=1)
        year, month = (last_day.year + 1, 1) if last_day.month == 12 else (last_day.year, last_day.month + 1)
        return max(datetime.date(year, month, self.electricity_day), end)
