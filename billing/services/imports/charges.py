"""Charges «Участок, Статья, Сумма[, Дата]», keyed by plot + article + date. A row without a date is
accrued on the batch's date; an unknown article is created, its kind guessed from the name."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from billing.models import Charge, ImportBatch

from .articles import ArticleKey, Articles, plot_ids
from .base import FileRow, Importer
from .report import CHANGED, NEW, UNCHANGED, PreviewRow, changed_value
from .values import RowReader, format_date, format_money

ChargeKey = tuple[int, ArticleKey, date]  # plot id, article, accrued on


@dataclass
class ChargeRow(FileRow):
    number: int
    article_name: str
    amount: Decimal
    accrued_on: date | None  # None: no date in the row, the batch's date then
    plot_id: int = 0  # resolved
    article: ArticleKey = ("id", 0)  # resolved


class ChargesImporter(Importer[ChargeRow]):
    kind = ImportBatch.Kind.CHARGES
    label = ImportBatch.Kind.CHARGES.label
    required = ["Участок", "Статья", "Сумма"]
    optional = ["Дата"]
    model = Charge
    takes_date = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.existing: dict[ChargeKey, tuple[int, Decimal]] = {}  # -> charge id, amount
        self.to_create: list[ChargeRow] = []
        self.to_update: list[tuple[int, Decimal]] = []

    def parse(self, reader: RowReader) -> ChargeRow:
        return ChargeRow(
            row=reader.row,
            number=reader.plot_number(),
            article_name=reader.text("Статья", required=True, max_length=200),
            amount=reader.money("Сумма"),
            accrued_on=reader.date("Дата", required=False) if self.has("Дата") else None,
        )

    def batch_date(self, *, parsed: list[ChargeRow], resolved: list[ChargeRow]) -> date | None:
        """The date given, else the newest date of the file, else today."""
        file_dates = [row.accrued_on for row in parsed if row.accrued_on]
        return self.given_as_of or (max(file_dates) if file_dates else self.today)

    def resolve(self, rows: list[ChargeRow]) -> list[ChargeRow]:
        batch_date = self.batch_date(parsed=rows, resolved=[])
        plots = plot_ids({row.number for row in rows})
        self.articles = Articles()
        stored = Charge.objects.filter(
            plot_id__in=plots.values(), accrued_on__in={row.accrued_on or batch_date for row in rows}
        ).values_list("pk", "plot_id", "article_id", "accrued_on", "amount")
        self.existing = {
            (plot_id, ("id", article_id), on): (pk, amount) for pk, plot_id, article_id, on, amount in stored
        }
        seen: dict[ChargeKey, int] = {}
        resolved = []
        for row in rows:
            row.accrued_on = row.accrued_on or batch_date
            if row.number not in plots:
                self.error(row.row, "Участок", f"участка {row.number} нет в реестре.")
                continue
            row.plot_id, row.article = plots[row.number], self.articles.key(row.article_name)
            key = (row.plot_id, row.article, row.accrued_on)
            if (earlier := self.earlier_row(seen, key, row.row)) is not None:
                message = (
                    f"повтор: начисление «{row.article_name}» участку {row.number} на {format_date(row.accrued_on)} "
                    f"уже есть в строке {earlier}."
                )
                self.error(row.row, "Статья", message)
                continue
            resolved.append(row)
        self.notices = self.articles.notices()
        return resolved

    def diff(self, row: ChargeRow) -> PreviewRow:
        values = {
            "Участок": str(row.number),
            "Статья": self.articles.shown(row.article_name, row.article),
            "Сумма": format_money(row.amount),
            "Дата": format_date(row.accrued_on),
        }
        old = self.existing.get((row.plot_id, row.article, row.accrued_on))
        if old is None:
            self.to_create.append(row)
            return PreviewRow(row=row.row, status=NEW, values=values)
        if old[1] == row.amount:
            return PreviewRow(row=row.row, status=UNCHANGED, values=values)
        values["Сумма"] = changed_value(format_money(row.amount), format_money(old[1]))
        self.to_update.append((old[0], row.amount))
        return PreviewRow(row=row.row, status=CHANGED, values=values)

    def write(self, batch: ImportBatch) -> None:
        self.articles.save()
        Charge.objects.bulk_create(
            Charge(
                plot_id=row.plot_id,
                article_id=self.articles.pk(row.article),
                amount=row.amount,
                accrued_on=row.accrued_on,
                batch=batch,
            )
            for row in self.to_create
        )
        Charge.objects.bulk_update(
            [Charge(pk=pk, amount=amount, batch=batch) for pk, amount in self.to_update], ["amount", "batch"]
        )
