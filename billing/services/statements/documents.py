"""A bank statement as read from the bank's file: its account sections and documents, and the
checks of its totals (warnings for the treasurer, never refusals)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class BankDocument:
    """One document of the statement, as the bank wrote it."""

    line: int  # the line of its `СекцияДокумент`, for messages
    kind: str  # «Платежное поручение», «Банковский ордер» …
    number: str = ""
    date: datetime.date | None = None
    amount: Decimal | None = None
    payer_account: str = ""
    payer: str = ""
    payer_inn: str = ""
    recipient_account: str = ""
    recipient: str = ""
    recipient_inn: str = ""
    purpose: str = ""
    received_on: datetime.date | None = None  # ДатаПоступило: the day money came to the account
    written_off_on: datetime.date | None = None  # ДатаСписано: the day it left


@dataclass
class AccountSection:
    """A `СекцияРасчСчет`: one account's balances and totals for a period."""

    line: int
    account: str = ""
    start: datetime.date | None = None
    end: datetime.date | None = None
    opening: Decimal | None = None
    total_in: Decimal | None = None
    total_out: Decimal | None = None
    closing: Decimal | None = None


@dataclass
class Statement:
    accounts: list[str] = field(default_factory=list)  # the header's `РасчСчет` lines
    start: datetime.date | None = None
    end: datetime.date | None = None
    sections: list[AccountSection] = field(default_factory=list)
    documents: list[BankDocument] = field(default_factory=list)

    @property
    def account(self) -> str:
        return self.accounts[0] if self.accounts else ""

    def is_incoming(self, document: BankDocument) -> bool:
        return document.recipient_account in self.accounts

    def is_outgoing(self, document: BankDocument) -> bool:
        return document.payer_account in self.accounts and not self.is_incoming(document)

    @property
    def incoming(self) -> list[BankDocument]:
        return [document for document in self.documents if self.is_incoming(document)]

    @property
    def outgoing(self) -> list[BankDocument]:
        return [document for document in self.documents if self.is_outgoing(document)]

    @property
    def warnings(self) -> list[str]:
        return _total_warnings(self)


def _total_warnings(statement: Statement) -> list[str]:
    """What does not add up: each section's opening + in − out = closing, and the documents'
    sums against the sections' totals. Each is a warning, never a refusal."""
    warnings = []
    for section in statement.sections:
        known = (section.opening, section.total_in, section.total_out, section.closing)
        if None not in known and section.opening + section.total_in - section.total_out != section.closing:
            warnings.append(
                f"Остатки не сходятся (строка {section.line}): начальный {section.opening} + поступило "
                f"{section.total_in} − списано {section.total_out} ≠ конечный {section.closing}."
            )
    warnings += _document_total_warnings(statement)
    return warnings


def _document_total_warnings(statement: Statement) -> list[str]:
    sections = [s for s in statement.sections if s.account in (statement.account, "")]
    if not sections:
        return ["В выписке нет раздела «СекцияРасчСчет» с остатками и итогами: проверить суммы не по чему."]
    warnings = []
    pairs = (
        ("поступило", [s.total_in for s in sections], statement.incoming),
        ("списано", [s.total_out for s in sections], statement.outgoing),
    )
    for label, totals, documents in pairs:
        if None in totals:
            continue
        declared = sum(totals, Decimal(0))
        found = sum((d.amount for d in documents if d.amount is not None), Decimal(0))
        if declared != found:
            warnings.append(
                f"Итог «всего {label}» в выписке {declared} ₽, а по документам {found} ₽: "
                "файл может быть неполным, или банк считает итоги иначе."
            )
    return warnings
