"""The treasurer's side of a statement: the queue «Неразобранные платежи», an expense's category,
and undoing a whole statement.

Assigning a queued document posts it as one payment per (plot, article) part; the parts must add
up to the document's amount, to the kopeck. The assignment is learnt for the payer (account and
name; for a bank's transit account the name alone), so the payer's next transfer posts by itself.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from billing.models import Article, BankTransaction, ImportBatch, KnownPayer, Payment, Plot
from billing.services.debts.accrual import penalties_recompute
from billing.services.locks import import_lock_take

from .matching import payer_key


class AssignError(ValueError):
    """A Russian message for the treasurer; nothing was written."""


@dataclass(frozen=True)
class Part:
    plot: Plot
    article: Article
    amount: Decimal


def assign(
    *, transaction_id: int, parts: list[Part], user: AbstractBaseUser | None, learn: bool = True
) -> list[Payment]:
    """Post a queued incoming document as payments, one per part. Two treasurers assigning the same
    document at once: the second finds it no longer queued."""
    if not parts:
        raise AssignError("Укажите хотя бы один участок и статью.")
    if any(part.amount <= 0 for part in parts):
        raise AssignError("Каждая часть должна быть больше нуля.")
    with transaction.atomic():
        import_lock_take()
        document = BankTransaction.objects.select_for_update().get(pk=transaction_id)
        if document.status != BankTransaction.Status.QUEUED:
            raise AssignError("Этот платёж уже разобран.")
        total = sum((part.amount for part in parts), Decimal(0))
        if total != document.amount:
            raise AssignError(
                f"Части в сумме дают {total:.2f} ₽, а платёж — {document.amount:.2f} ₽: суммы должны совпасть."
            )
        payments = Payment.objects.bulk_create(
            Payment(
                plot=part.plot,
                article=part.article,
                paid_on=document.booked_on,
                amount=part.amount,
                document=document.reference(number),
                batch=document.batch,
                transaction=document,
            )
            for number, part in enumerate(parts, start=1)
        )
        document.status = BankTransaction.Status.POSTED
        document.decided_by, document.decided_at = user, timezone.now()
        document.save(update_fields=["status", "decided_by", "decided_at"])
        if learn:
            _learn(document, {part.plot for part in parts})
        penalties_recompute()  # the payment carries the bank's date, often before penalties accrued since
    return payments


def _learn(document: BankTransaction, plots: set[Plot]) -> None:
    account, name = payer_key(document.payer_name, document.payer_account)
    if not name:
        return  # a transit account without a name tells nothing about the next payer
    for plot in plots:
        KnownPayer.objects.get_or_create(account=account, name=name, plot=plot, defaults={"learnt_from": document})


def skip(*, transaction_id: int, user: AbstractBaseUser | None) -> None:
    """Not a member's payment (a refund, the bank's interest): kept, never posted."""
    with transaction.atomic():
        updated = BankTransaction.objects.filter(pk=transaction_id, status=BankTransaction.Status.QUEUED).update(
            status=BankTransaction.Status.SKIPPED, decided_by=user, decided_at=timezone.now()
        )
    if not updated:
        raise AssignError("Этот платёж уже разобран.")


@dataclass(frozen=True)
class UndoPlan:
    batch: ImportBatch
    transactions: int
    payments: int
    payments_total: Decimal
    queued: int
    expenses: int

    def __str__(self) -> str:
        return (
            f"документов: {self.transactions} (в очереди: {self.queued}, расходов: {self.expenses}); "
            f"платежей: {self.payments} на {self.payments_total} ₽"
        )


def statement_undo(*, batch_id: int, commit: bool) -> UndoPlan:
    """What undoing a statement removes — the documents it introduced and every payment posted from
    them, assigned by hand or not — and, with commit=True, removes it. Documents another statement
    also contained stay: they were introduced by the earlier one."""
    with transaction.atomic():
        import_lock_take()
        batch = ImportBatch.objects.get(pk=batch_id, kind=ImportBatch.Kind.STATEMENT)
        documents = BankTransaction.objects.filter(batch=batch)
        payments = Payment.objects.filter(transaction__batch=batch)
        plan = UndoPlan(
            batch=batch,
            transactions=documents.count(),
            payments=payments.count(),
            payments_total=sum(payments.values_list("amount", flat=True), Decimal(0)),
            queued=documents.filter(status=BankTransaction.Status.QUEUED).count(),
            expenses=documents.filter(direction=BankTransaction.Direction.OUTGOING).count(),
        )
        if commit:
            KnownPayer.objects.filter(learnt_from__batch=batch).update(learnt_from=None)
            documents.delete()  # payments go with them (CASCADE)
            batch.delete()
            penalties_recompute()
    return plan
