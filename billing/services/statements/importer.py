"""The bank statement as one more import kind: read → match → preview → confirm.

Each document is stored once as a ``BankTransaction`` (overlapping statements and reloads find it
by its key and add nothing). An incoming document matched for certain posts as payments at once;
anything less waits in «Неразобранные платежи»; an outgoing one is an expense with a guessed
category. Totals that do not add up are warnings the treasurer acknowledges before confirming.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import timezone

from billing.models import Article, BankTransaction, ImportBatch, Payment
from billing.services.imports.base import Importer
from billing.services.imports.report import NEW, UNCHANGED, PreviewRow
from billing.services.imports.values import format_date, format_money

from .accounts import partnership_accounts
from .categories import Categories
from .documents import BankDocument, Statement
from .exchange import MAX_STATEMENT_BYTES, parse_statement
from .matching import ADVANCE_ARTICLE, Match, Matcher
from .purpose import payer_name
from .table import statement_from_table

Key = tuple[str, date, str, Decimal, str]  # account, date, number, amount, payer account
PURPOSE_SHOWN = 120


@dataclass
class StatementSource:
    """What ``read`` hands the framework instead of a table."""

    statement: Statement
    columns: set[str] = field(default_factory=set)
    ignored: list[str] = field(default_factory=list)
    rows: list = field(default_factory=list)


@dataclass
class _Planned:
    document: BankDocument
    status: str
    match: Match | None = None
    category: str | None = None


def document_key(account: str, document: BankDocument) -> Key:
    return (account, document.date, document.number[:32], document.amount, document.payer_account[:20])


class StatementImporter(Importer[BankDocument]):
    kind = ImportBatch.Kind.STATEMENT
    label = ImportBatch.Kind.STATEMENT.label
    required: list[str] = []
    model = BankTransaction
    extensions = ("txt", "csv", "xlsx")
    max_bytes = MAX_STATEMENT_BYTES
    file_help = "Выписка в формате 1CClientBankExchange («для 1С», файл .txt) или таблица банка CSV/XLSX"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.statement: Statement = self.table.statement
        self.planned: dict[int, _Planned] = {}  # id(document) -> its plan, in the file's order

    @classmethod
    def read(cls, *, file_name: str, content: bytes) -> StatementSource:
        """1CClientBankExchange (`.txt`), or the bank's own XLSX/CSV table."""
        if file_name.lower().endswith((".csv", ".xlsx")):
            statement = statement_from_table(file_name=file_name, content=content, today=timezone.localdate())
            return StatementSource(statement=statement)
        return StatementSource(statement=parse_statement(content))

    def parse_rows(self) -> list[BankDocument]:
        self.warnings = self.statement.warnings
        return list(self.statement.documents)

    def batch_date(self, *, parsed, resolved) -> date | None:
        return self.statement.end or max((d.date for d in parsed), default=None)

    def resolve(self, rows: list[BankDocument]) -> list[BankDocument]:
        account = self.statement.account
        if not self._account_is_ours(account):
            return []
        stored = set(
            BankTransaction.objects.filter(account=account, date__in={row.date for row in rows}).values_list(
                "account", "date", "number", "amount", "payer_account"
            )
        )
        seen: dict[Key, int] = {}
        resolved = []
        for row in rows:
            key = document_key(account, row)
            earlier = self.earlier_row(seen, key, row.line)
            if earlier is not None:
                self.error(row.line, None, f"документ повторяет документ из строки {earlier}.")
                continue
            if key in stored:
                self.planned[id(row)] = _Planned(row, UNCHANGED)
            resolved.append(row)
        fresh = [row for row in resolved if id(row) not in self.planned]
        self.matcher = Matcher([row for row in fresh if self.statement.is_incoming(row)])
        self.categories = Categories()
        return resolved

    def _account_is_ours(self, account: str) -> bool:
        """The statement must be of the partnership's account: BANK_ACCOUNTS when set, else the
        account of the statements loaded before (the first statement sets it)."""
        ours = partnership_accounts()
        if ours and account not in ours:
            known = ", ".join(ours)
            self.error(
                None,
                None,
                f"Выписка по счёту {account}, а счёт товарищества — {known}. Это выписка другой организации? "
                "Если счёт новый, его указывают в настройке BANK_ACCOUNTS.",
            )
            return False
        return True

    def diff(self, row: BankDocument) -> PreviewRow:
        planned = self.planned.get(id(row))
        if planned is None:
            planned = self.planned[id(row)] = self._plan_new(row)
        return PreviewRow(row=row.line, status=planned.status, values=self._values(planned))

    def _plan_new(self, row: BankDocument) -> _Planned:
        if self.statement.is_incoming(row):
            return _Planned(row, NEW, match=self.matcher.match(row))
        return _Planned(row, NEW, category=self.categories.guess(row.recipient, row.purpose))

    def _values(self, planned: _Planned) -> dict[str, str]:
        document = planned.document
        incoming = self.statement.is_incoming(document)
        purpose = document.purpose
        values = {
            "Дата": format_date(document.received_on or document.written_off_on or document.date),
            "Номер": document.number,
            "Сумма": format_money(document.amount) if incoming else f"−{format_money(document.amount)}",
            "Плательщик / получатель": payer_name(document.payer) if incoming else document.recipient,
            "Назначение": purpose if len(purpose) <= PURPOSE_SHOWN else purpose[: PURPOSE_SHOWN - 1] + "…",
        }
        values["Разнесение"], values["Почему"] = self._outcome(planned, incoming)
        return values

    def _outcome(self, planned: _Planned, incoming: bool) -> tuple[str, str]:
        if planned.status == UNCHANGED:
            return "уже загружен", ""
        if not incoming:
            return f"расход: {planned.category or 'категория не определена'}", ""
        match = planned.match
        if match.certain:
            return f"уч. {match.plot_number}: {self._parts_shown(match)}", match.why
        suggestion = f" (предложение: уч. {match.plot_number})" if match.plot_number else ""
        return f"на разбор{suggestion}", match.why

    def _parts_shown(self, match: Match) -> str:
        names = {pk: name for pk, _, _, name in self.matcher.articles}
        return ", ".join(f"{names.get(pk, ADVANCE_ARTICLE)} {format_money(amount)}" for pk, amount in match.parts)

    def write(self, batch: ImportBatch) -> None:
        fresh = [p for p in self.planned.values() if p.status == NEW]
        categories = Categories.ids({p.category for p in fresh if p.category})
        transactions = BankTransaction.objects.bulk_create(self._transaction(p, batch, categories) for p in fresh)
        advance_id = None
        payments = []
        for planned, transaction in zip(fresh, transactions, strict=True):
            match = planned.match
            if match is None or not match.certain:
                continue
            for part, (article_id, amount) in enumerate(match.parts, start=1):
                if article_id is None:
                    advance_id = advance_id or _advance_article_id()
                    article_id = advance_id
                payments.append(
                    Payment(
                        plot_id=match.plot_id,
                        article_id=article_id,
                        paid_on=transaction.booked_on,
                        amount=amount,
                        document=transaction.reference(part),
                        batch=batch,
                        transaction=transaction,
                    )
                )
        Payment.objects.bulk_create(payments)

    def _transaction(self, planned: _Planned, batch: ImportBatch, categories: dict[str, int]) -> BankTransaction:
        document = planned.document
        incoming = self.statement.is_incoming(document)
        match = planned.match
        if not incoming:
            status = BankTransaction.Status.EXPENSE
        elif match.certain:
            status = BankTransaction.Status.POSTED
        else:
            status = BankTransaction.Status.QUEUED
        return BankTransaction(
            batch=batch,
            account=self.statement.account,
            direction=BankTransaction.Direction.INCOMING if incoming else BankTransaction.Direction.OUTGOING,
            kind=document.kind[:64],
            number=document.number[:32],
            date=document.date,
            booked_on=(document.received_on if incoming else document.written_off_on) or document.date,
            amount=document.amount,
            payer_account=document.payer_account[:20],
            payer_name=document.payer[:255],
            payer_inn=document.payer_inn[:12],
            recipient_account=document.recipient_account[:20],
            recipient_name=document.recipient[:255],
            recipient_inn=document.recipient_inn[:12],
            purpose=document.purpose[:1000],
            status=status,
            reason=(match.why if match else "")[:255],
            suggested_plot_id=match.plot_id if match else None,
            category_id=categories.get(planned.category),
        )


def _advance_article_id() -> int:
    article, _ = Article.objects.get_or_create(name=ADVANCE_ARTICLE, defaults={"kind": Article.Kind.ADVANCE})
    return article.pk
