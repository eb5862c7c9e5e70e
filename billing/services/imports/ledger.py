"""Charges «Участок, Статья, Сумма[, Дата]» and payments «Участок, Дата, Сумма, Статья[, Документ]».

Charges are keyed by plot + article + date, payments by the bank document (or, without
one, by plot + article + date + sum). An unknown article is created, its kind guessed
from the name, and the preview says so.
"""

import re
from collections import Counter
from datetime import date

from billing.models import Article, Charge, ImportBatch, Payment, Plot

from .report import CHANGED, NEW, UNCHANGED, Plan, PreviewRow, RowError, changed_value
from .tables import Table, normalize_header
from .values import RowReader, format_date, format_money

CHARGES_REQUIRED = ["Участок", "Статья", "Сумма"]
CHARGES_OPTIONAL = ["Дата"]
PAYMENTS_REQUIRED = ["Участок", "Дата", "Сумма", "Статья"]
PAYMENTS_OPTIONAL = ["Документ"]

_YEAR = re.compile(r"\b(20\d\d)\b")


def guess_article_kind(name: str) -> str:
    text = normalize_header(name)
    if "электр" in text:
        return Article.Kind.ELECTRICITY
    if "членск" in text:
        return Article.Kind.MEMBERSHIP
    if "целев" in text:
        return Article.Kind.TARGET
    return Article.Kind.OTHER


class _Articles:
    """Articles by name (case- and ё-insensitive); unknown names become new articles on write."""

    def __init__(self):
        self.ids = {normalize_header(name): pk for pk, name in Article.objects.values_list("pk", "name")}
        self.new: dict[str, Article] = {}

    def key(self, name: str) -> tuple[str, int | str]:
        normalized = normalize_header(name)
        if normalized in self.ids:
            return ("id", self.ids[normalized])
        if normalized not in self.new:
            year = _YEAR.search(name)
            self.new[normalized] = Article(
                name=name, kind=guess_article_kind(name), year=int(year.group(1)) if year else None
            )
        return ("new", normalized)

    def shown(self, name: str, key: tuple[str, int | str]) -> str:
        return f"{name} (новая статья)" if key[0] == "new" else name

    def notices(self) -> list[str]:
        return [
            f"Будет создана новая статья «{article.name}» (вид: {article.get_kind_display().lower()})."
            for article in self.new.values()
        ]

    def save(self) -> dict[tuple[str, int | str], int]:
        created = Article.objects.bulk_create(list(self.new.values()))
        return {("new", normalize_header(article.name)): article.pk for article in created}


def _plot_ids(numbers: set[int]) -> dict[int, int]:
    return dict(Plot.objects.filter(number__in=numbers).values_list("number", "id"))


def _resolve(key: tuple[str, int | str], created: dict) -> int:
    return key[1] if key[0] == "id" else created[key]


def plan_charges(*, table: Table, as_of: date | None, today: date) -> Plan:
    plan = Plan()
    errors = plan.errors
    has_date = "Дата" in table.columns
    dates: dict[str, date | None] = {}
    parsed = []
    for row, cells in table.rows:
        reader = RowReader(row=row, cells=cells, errors=errors, today=today, dates=dates)
        number = reader.plot_number()
        article = reader.text("Статья", required=True, max_length=200)
        amount = reader.money("Сумма")
        accrued_on = reader.date("Дата", required=False) if has_date else None
        if not reader.failed:
            parsed.append((row, number, article, amount, accrued_on))
    file_dates = [item[4] for item in parsed if item[4]]
    plan.as_of = as_of or (max(file_dates) if file_dates else today)
    if not parsed:
        return plan

    plot_ids = _plot_ids({item[1] for item in parsed})
    articles = _Articles()
    existing = {
        (plot_id, ("id", article_id), accrued_on): (pk, amount)
        for pk, plot_id, article_id, accrued_on, amount in Charge.objects.filter(
            plot_id__in=plot_ids.values(), accrued_on__in={item[4] or plan.as_of for item in parsed}
        ).values_list("pk", "plot_id", "article_id", "accrued_on", "amount")
    }
    seen: dict[tuple, int] = {}
    to_create, to_update = [], []
    for row, number, name, amount, accrued_on in parsed:
        accrued_on = accrued_on or plan.as_of
        plot_id = plot_ids.get(number)
        if plot_id is None:
            errors.append(RowError(row, "Участок", f"участка {number} нет в реестре."))
            continue
        article = articles.key(name)
        key = (plot_id, article, accrued_on)
        if key in seen:
            message = (
                f"повтор: начисление «{name}» участку {number} на {format_date(accrued_on)} "
                f"уже есть в строке {seen[key]}."
            )
            errors.append(RowError(row, "Статья", message))
            continue
        seen[key] = row
        values = {
            "Участок": str(number),
            "Статья": articles.shown(name, article),
            "Сумма": format_money(amount),
            "Дата": format_date(accrued_on),
        }
        old = existing.get(key)
        if old is None:
            status = NEW
            to_create.append((plot_id, article, amount, accrued_on))
        elif old[1] == amount:
            status = UNCHANGED
        else:
            status = CHANGED
            values["Сумма"] = changed_value(format_money(amount), format_money(old[1]))
            to_update.append((old[0], amount))
        plan.rows.append(PreviewRow(row=row, status=status, values=values))
    plan.notices = articles.notices()

    def write(batch: ImportBatch) -> None:
        created = articles.save()
        Charge.objects.bulk_create(
            Charge(plot_id=plot_id, article_id=_resolve(article, created), amount=amount, accrued_on=on, batch=batch)
            for plot_id, article, amount, on in to_create
        )
        Charge.objects.bulk_update(
            [Charge(pk=pk, amount=amount, batch=batch) for pk, amount in to_update], ["amount", "batch"]
        )

    plan.write = write
    return plan


def plan_payments(*, table: Table, as_of: date | None, today: date) -> Plan:
    plan = Plan()
    errors = plan.errors
    has_document = "Документ" in table.columns
    dates: dict[str, date | None] = {}
    parsed = []
    documents: dict[str, int] = {}
    for row, cells in table.rows:
        reader = RowReader(row=row, cells=cells, errors=errors, today=today, dates=dates)
        number = reader.plot_number()
        paid_on = reader.date("Дата")
        amount = reader.money("Сумма")
        article = reader.text("Статья", required=True, max_length=200)
        document = reader.text("Документ", max_length=64) if has_document else ""
        if amount == 0:
            reader.error("Сумма", "сумма платежа должна быть больше нуля.")
        if document and document in documents:
            reader.error("Документ", f"повтор: документ «{document}» уже есть в строке {documents[document]}.")
        elif document:
            documents[document] = row
        if not reader.failed:
            parsed.append((row, number, paid_on, amount, article, document))
    if not parsed:
        return plan
    plan.as_of = as_of or max(item[2] for item in parsed)

    plot_ids = _plot_ids({item[1] for item in parsed})
    articles = _Articles()
    by_document = {
        document: (pk, plot_number, ("id", article_id), paid_on, amount, article_name)
        for pk, document, plot_number, article_id, paid_on, amount, article_name in Payment.objects.filter(
            document__in=documents
        ).values_list("pk", "document", "plot__number", "article_id", "paid_on", "amount", "article__name")
    }
    undocumented = Counter(
        (plot_id, ("id", article_id), paid_on, amount)
        for plot_id, article_id, paid_on, amount in Payment.objects.filter(
            document="", plot_id__in=plot_ids.values(), paid_on__in={item[2] for item in parsed}
        ).values_list("plot_id", "article_id", "paid_on", "amount")
    )
    to_create, to_update = [], []
    for row, number, paid_on, amount, name, document in parsed:
        plot_id = plot_ids.get(number)
        if plot_id is None:
            errors.append(RowError(row, "Участок", f"участка {number} нет в реестре."))
            continue
        article = articles.key(name)
        values = {
            "Участок": str(number),
            "Дата": format_date(paid_on),
            "Сумма": format_money(amount),
            "Статья": articles.shown(name, article),
        }
        if has_document:
            values["Документ"] = document
        old = by_document.get(document) if document else None
        if document and old is not None:
            _, old_number, old_article, old_paid_on, old_amount, old_name = old
            status = UNCHANGED
            if (old_number, old_article, old_paid_on, old_amount) != (number, article, paid_on, amount):
                status = CHANGED
                values["Участок"] = changed_value(str(number), str(old_number))
                values["Дата"] = changed_value(format_date(paid_on), format_date(old_paid_on))
                values["Сумма"] = changed_value(format_money(amount), format_money(old_amount))
                if old_article != article:
                    values["Статья"] = f"{values['Статья']} (было {old_name})"
                to_update.append((old[0], plot_id, article, paid_on, amount))
        elif not document and undocumented[(plot_id, article, paid_on, amount)] > 0:
            undocumented[(plot_id, article, paid_on, amount)] -= 1
            status = UNCHANGED
        else:
            status = NEW
            to_create.append((plot_id, article, paid_on, amount, document))
        plan.rows.append(PreviewRow(row=row, status=status, values=values))
    plan.notices = articles.notices()

    def write(batch: ImportBatch) -> None:
        created = articles.save()
        Payment.objects.bulk_create(
            Payment(
                plot_id=plot_id,
                article_id=_resolve(article, created),
                paid_on=paid_on,
                amount=amount,
                document=document,
                batch=batch,
            )
            for plot_id, article, paid_on, amount, document in to_create
        )
        Payment.objects.bulk_update(
            [
                Payment(
                    pk=pk,
                    plot_id=plot_id,
                    article_id=_resolve(article, created),
                    paid_on=on,
                    amount=amount,
                    batch=batch,
                )
                for pk, plot_id, article, on, amount in to_update
            ],
            ["plot", "article", "paid_on", "amount", "batch"],
        )

    plan.write = write
    return plan
