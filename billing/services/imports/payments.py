"""Payments «Участок, Дата, Сумма, Статья[, Документ]», keyed by the bank document or, without one,
by plot + article + date + sum. An unknown article is created, its kind guessed from the name."""

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from billing.models import ImportBatch, Payment

from .articles import ArticleKey, Articles, plot_ids
from .base import FileRow, Importer
from .report import CHANGED, NEW, UNCHANGED, PreviewRow, changed_value
from .values import RowReader, format_date, format_money

UndocumentedKey = tuple[int, ArticleKey, date, Decimal]  # plot id, article, paid on, amount


@dataclass(frozen=True)
class _Stored:
    pk: int
    number: int
    article: ArticleKey
    paid_on: date
    amount: Decimal
    article_name: str


@dataclass
class PaymentRow(FileRow):
    number: int
    paid_on: date
    amount: Decimal
    article_name: str
    document: str
    plot_id: int = 0  # resolved
    article: ArticleKey = ("id", 0)  # resolved


class PaymentsImporter(Importer[PaymentRow]):
    kind = ImportBatch.Kind.PAYMENTS
    label = ImportBatch.Kind.PAYMENTS.label
    required = ["Участок", "Дата", "Сумма", "Статья"]
    optional = ["Документ"]
    model = Payment
    takes_date = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.documents: dict[str, int] = {}  # document -> the row that named it first
        self.by_document: dict[str, _Stored] = {}
        self.undocumented: Counter[UndocumentedKey] = Counter()
        self.to_create: list[PaymentRow] = []
        self.to_update: list[tuple[int, PaymentRow]] = []

    def parse(self, reader: RowReader) -> PaymentRow:
        row = PaymentRow(
            row=reader.row,
            number=reader.plot_number(),
            paid_on=reader.date("Дата"),
            amount=reader.money("Сумма"),
            article_name=reader.text("Статья", required=True, max_length=200),
            document=reader.text("Документ", max_length=64) if self.has("Документ") else "",
        )
        if row.amount == 0:
            reader.error("Сумма", "сумма платежа должна быть больше нуля.")
        if row.document and row.document in self.documents:
            first = self.documents[row.document]
            reader.error("Документ", f"повтор: документ «{row.document}» уже есть в строке {first}.")
        elif row.document:
            self.documents[row.document] = reader.row
        return row

    def batch_date(self, *, parsed: list[PaymentRow], resolved: list[PaymentRow]) -> date | None:
        """The date given, else the newest payment of the file."""
        if not parsed:
            return None
        return self.given_as_of or max(row.paid_on for row in parsed)

    def resolve(self, rows: list[PaymentRow]) -> list[PaymentRow]:
        plots = plot_ids({row.number for row in rows})
        self.articles = Articles()
        stored = Payment.objects.filter(document__in=self.documents).values_list(
            "pk", "document", "plot__number", "article_id", "paid_on", "amount", "article__name"
        )
        self.by_document = {
            document: _Stored(pk, number, ("id", article_id), paid_on, amount, name)
            for pk, document, number, article_id, paid_on, amount, name in stored
        }
        self.undocumented = Counter(
            (plot_id, ("id", article_id), paid_on, amount)
            for plot_id, article_id, paid_on, amount in Payment.objects.filter(
                document="", plot_id__in=plots.values(), paid_on__in={row.paid_on for row in rows}
            ).values_list("plot_id", "article_id", "paid_on", "amount")
        )
        resolved = []
        for row in rows:
            if row.number not in plots:
                self.error(row.row, "Участок", f"участка {row.number} нет в реестре.")
                continue
            row.plot_id, row.article = plots[row.number], self.articles.key(row.article_name)
            resolved.append(row)
        self.notices = self.articles.notices()
        return resolved

    def diff(self, row: PaymentRow) -> PreviewRow:
        values = {
            "Участок": str(row.number),
            "Дата": format_date(row.paid_on),
            "Сумма": format_money(row.amount),
            "Статья": self.articles.shown(row.article_name, row.article),
        }
        if self.has("Документ"):
            values["Документ"] = row.document
        old = self.by_document.get(row.document) if row.document else None
        if old is not None:
            return PreviewRow(row=row.row, status=self._diff_stored(row, old, values), values=values)
        undocumented = (row.plot_id, row.article, row.paid_on, row.amount)
        if not row.document and self.undocumented[undocumented] > 0:
            self.undocumented[undocumented] -= 1  # each stored payment stands for one row of the file
            return PreviewRow(row=row.row, status=UNCHANGED, values=values)
        self.to_create.append(row)
        return PreviewRow(row=row.row, status=NEW, values=values)

    def _diff_stored(self, row: PaymentRow, old: _Stored, values: dict[str, str]) -> str:
        """A payment already stored under the row's document: corrected in place if it differs."""
        if (old.number, old.article, old.paid_on, old.amount) == (row.number, row.article, row.paid_on, row.amount):
            return UNCHANGED
        values["Участок"] = changed_value(str(row.number), str(old.number))
        values["Дата"] = changed_value(format_date(row.paid_on), format_date(old.paid_on))
        values["Сумма"] = changed_value(format_money(row.amount), format_money(old.amount))
        if old.article != row.article:
            values["Статья"] = f"{values['Статья']} (было {old.article_name})"
        self.to_update.append((old.pk, row))
        return CHANGED

    def write(self, batch: ImportBatch) -> None:
        self.articles.save()
        Payment.objects.bulk_create(
            Payment(
                plot_id=row.plot_id,
                article_id=self.articles.pk(row.article),
                paid_on=row.paid_on,
                amount=row.amount,
                document=row.document,
                batch=batch,
            )
            for row in self.to_create
        )
        updated = [
            Payment(
                pk=pk,
                plot_id=row.plot_id,
                article_id=self.articles.pk(row.article),
                paid_on=row.paid_on,
                amount=row.amount,
                batch=batch,
            )
            for pk, row in self.to_update
        ]
        Payment.objects.bulk_update(updated, ["plot", "article", "paid_on", "amount", "batch"])
