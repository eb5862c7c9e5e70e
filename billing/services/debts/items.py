"""A plot's debts item by item: every charge and electricity period with its due date, and the
payments laid on them oldest due first within one account (an article; electricity periods share
one). Pure functions over rows loaded by `billing.services.debts.loading`."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from billing.models import Article
from billing.services.debts.policy import DuePolicy

ZERO = Decimal("0.00")
ELECTRICITY = "electricity"  # the account of the periods billed by readings
ELECTRICITY_NAME = "Электроэнергия"
ONE_DAY = datetime.timedelta(days=1)


class ArticleInfo(NamedTuple):
    pk: int
    name: str
    kind: str
    year: int | None
    due_on: datetime.date | None
    sort_order: int


class ChargeRow(NamedTuple):
    plot_id: int
    article_id: int
    accrued_on: datetime.date
    amount: Decimal


class PaymentRow(NamedTuple):
    plot_id: int
    article_id: int
    paid_on: datetime.date
    amount: Decimal
    document: str


class BillRow(NamedTuple):
    """An electricity period's bill: what the plot owes for it, known on the period's end."""

    plot_id: int
    start: datetime.date
    end: datetime.date
    owed: Decimal
    day: int
    night: int


@dataclass(slots=True)
class DebtItem:
    """One charge or period: `paid` lists (date, amount) of the payments laid on it."""

    account: int | str
    kind: str
    title: str
    accrued_on: datetime.date
    due_on: datetime.date
    amount: Decimal
    paid: list[tuple[datetime.date, Decimal]] = field(default_factory=list)

    def outstanding(self, on: datetime.date | None = None) -> Decimal:
        """Unpaid at the end of day `on` (at present without it)."""
        return self.amount - sum((amount for day, amount in self.paid if on is None or day <= on), ZERO)

    def overdue(self, on: datetime.date) -> Decimal:
        return self.outstanding(on) if on > self.due_on else ZERO


@dataclass(slots=True)
class Account:
    """An article of the plot (or its electricity): the items, and what was paid beyond them."""

    key: int | str
    name: str
    kind: str
    sort_order: int
    items: list[DebtItem] = field(default_factory=list)
    advance: Decimal = ZERO

    def overdue(self, on: datetime.date) -> Decimal:
        return sum((item.overdue(on) for item in self.items), ZERO)

    def overdue_since(self, on: datetime.date) -> datetime.date | None:
        """The first day of the oldest unpaid debt: the day after its due date."""
        days = [item.due_on + ONE_DAY for item in self.items if item.overdue(on) > 0]
        return min(days, default=None)

    def next_due_on(self, on: datetime.date) -> datetime.date | None:
        """The due date of the oldest unpaid item (overdue or not)."""
        return min((item.due_on for item in self.items if item.outstanding(on) > 0), default=None)


@dataclass
class PlotDebts:
    plot_id: int
    accounts: dict[int | str, Account]

    def overdue(self, on: datetime.date) -> Decimal:
        return sum((account.overdue(on) for account in self.accounts.values()), ZERO)

    def items(self) -> Iterable[DebtItem]:
        for account in self.accounts.values():
            yield from account.items


MONTH_NAMES = (
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)
MONTH_SHORT_NAMES = ("янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")


def period_title(start: datetime.date, end: datetime.date) -> str:
    """«Электроэнергия за май 2022» for a month from the 1st to the 1st, else the dates."""
    if start.day == 1 and end.day == 1 and (end - start).days <= 31 and start.month != end.month:
        return f"{ELECTRICITY_NAME} за {MONTH_NAMES[start.month - 1]} {start.year}"
    return f"{ELECTRICITY_NAME} с {start:%d.%m.%Y} по {end:%d.%m.%Y}"


def plot_debts(
    *,
    plot_id: int,
    articles: dict[int, ArticleInfo],
    charges: Iterable[ChargeRow],
    payments: Iterable[PaymentRow],
    bills: Iterable[BillRow],
    policy: DuePolicy,
) -> PlotDebts:
    """The plot's accounts with their items and the payments laid on them.

    As in «Статус моих оплат», an electricity payment counts against the periods unless the plot
    has charges of that very article (billing.services.ledger.plot_ledger_from_rows)."""
    accounts: dict[int | str, Account] = {}
    for charge in charges:
        info = articles[charge.article_id]
        due_on = policy.for_charge(kind=info.kind, year=info.year, due_on=info.due_on, accrued_on=charge.accrued_on)
        account = accounts.get(info.pk) or accounts.setdefault(info.pk, _account(info.pk, articles))
        account.items.append(DebtItem(info.pk, info.kind, info.name, charge.accrued_on, due_on, charge.amount))
    if bills:
        power = accounts[ELECTRICITY] = _account(ELECTRICITY, articles)
        for bill in bills:
            title = period_title(bill.start, bill.end)
            due_on = policy.for_period(bill.end)
            power.items.append(DebtItem(ELECTRICITY, Article.Kind.ELECTRICITY, title, bill.end, due_on, bill.owed))

    paid: dict[int | str, list[PaymentRow]] = defaultdict(list)
    for payment in payments:
        key: int | str = payment.article_id
        if articles[key].kind == Article.Kind.ELECTRICITY and key not in accounts:
            key = ELECTRICITY
        paid[key].append(payment)
    for key, rows in paid.items():
        _lay(accounts.get(key) or accounts.setdefault(key, _account(key, articles)), rows)
    for account in accounts.values():
        if account.key not in paid:
            account.items.sort(key=lambda item: (item.due_on, item.accrued_on))
    return PlotDebts(plot_id=plot_id, accounts=accounts)


def _account(key: int | str, articles: dict[int, ArticleInfo]) -> Account:
    if key == ELECTRICITY:
        return Account(ELECTRICITY, ELECTRICITY_NAME, Article.Kind.ELECTRICITY, -1)
    info = articles[key]
    return Account(info.pk, info.name, info.kind, info.sort_order)


def _lay(account: Account, payments: list[PaymentRow]) -> None:
    """Each payment, in date order, pays the items oldest due first; the rest is an advance."""
    account.items.sort(key=lambda item: (item.due_on, item.accrued_on))
    left = [item.amount for item in account.items]
    index = 0
    for payment in sorted(payments, key=lambda p: p.paid_on):
        amount = payment.amount
        while amount > 0 and index < len(left):
            part = min(amount, left[index])
            if part > 0:
                account.items[index].paid.append((payment.paid_on, part))
                left[index] -= part
                amount -= part
            if left[index] <= 0:
                index += 1
        account.advance += amount
