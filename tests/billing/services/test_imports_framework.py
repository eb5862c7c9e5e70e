"""A new kind of import is one importer module and one registry entry: run_import gives it the preview,
all-or-nothing, the sha256 idempotency, the lock and the Russian row errors without any other change."""

from dataclasses import dataclass

import pytest

from billing.models import Article, ImportBatch
from billing.services.imports import HEADERS, run_import
from billing.services.imports.base import FileRow, Importer
from billing.services.imports.registry import IMPORTERS
from billing.services.imports.report import CHANGED, NEW, UNCHANGED, PreviewRow, changed_value
from billing.services.imports.values import RowReader

pytestmark = pytest.mark.django_db

KIND = "articles"  # a kind only this test knows


@dataclass
class ArticleRow(FileRow):
    name: str
    year: int
    article: Article | None = None  # resolved


class ArticlesImporter(Importer[ArticleRow]):
    """«Статья, Год»: articles keyed by name — the whole of a kind, as a bank statement would be."""

    kind = KIND
    label = "Статьи"
    required = ["Статья", "Год"]
    model = Article

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.to_create: list[Article] = []
        self.to_update: list[Article] = []

    def parse(self, reader: RowReader) -> ArticleRow:
        return ArticleRow(
            row=reader.row, name=reader.text("Статья", required=True, max_length=200), year=reader.integer("Год")
        )

    def resolve(self, rows: list[ArticleRow]) -> list[ArticleRow]:
        stored = Article.objects.in_bulk([row.name for row in rows], field_name="name")
        for row in rows:
            row.article = stored.get(row.name)
            if row.year < 2000:
                self.error(row.row, "Год", f"год {row.year} раньше основания товарищества.")
        return rows

    def diff(self, row: ArticleRow) -> PreviewRow:
        values = {"Статья": row.name, "Год": str(row.year)}
        if row.article is None:
            self.to_create.append(Article(name=row.name, year=row.year))
            return PreviewRow(row=row.row, status=NEW, values=values)
        if row.article.year == row.year:
            return PreviewRow(row=row.row, status=UNCHANGED, values=values)
        values["Год"] = changed_value(str(row.year), str(row.article.year))
        row.article.year = row.year
        self.to_update.append(row.article)
        return PreviewRow(row=row.row, status=CHANGED, values=values)

    def write(self, batch: ImportBatch) -> None:
        Article.objects.bulk_create(self.to_create)
        Article.objects.bulk_update(self.to_update, ["year"])


@pytest.fixture
def articles_kind(monkeypatch):
    monkeypatch.setitem(IMPORTERS, KIND, ArticlesImporter)


def _run(text: str, *, commit: bool = True):
    return run_import(kind=KIND, file_name="articles.csv", content=text.encode(), commit=commit)


FILE = "Статья;Год\nЧленские взносы 2023;2023\nЭлектроэнергия;2022\n"


def test_a_registered_importer_runs_end_to_end(articles_kind):
    Article.objects.create(name="Электроэнергия", year=2021)
    assert HEADERS[KIND] == (["Статья", "Год"], [])  # what the admin pages and the commands show

    preview = _run(FILE, commit=False)
    assert [(row.row, row.status, row.values["Год"]) for row in preview.rows] == [
        (2, NEW, "2023"),
        (3, CHANGED, "2022 (было 2021)"),
    ]
    assert not preview.committed and not Article.objects.filter(name="Членские взносы 2023").exists()

    report = _run(FILE)
    assert report.committed and (report.created, report.updated, report.unchanged) == (1, 1, 0)
    assert dict(Article.objects.values_list("name", "year")) == {"Членские взносы 2023": 2023, "Электроэнергия": 2022}
    batch = ImportBatch.objects.get(kind=KIND)
    assert (batch.rows_total, batch.rows_created, batch.rows_updated) == (2, 1, 1)

    again = _run(FILE)
    assert not again.committed and again.duplicate_of == batch
    assert "уже загружен" in again.summary

    same_rows = _run(FILE + "\n")  # other bytes, the same rows: nothing to change
    assert same_rows.committed and (same_rows.created, same_rows.updated, same_rows.unchanged) == (0, 0, 2)


def test_a_registered_importer_rejects_the_whole_file_with_russian_row_errors(articles_kind):
    report = _run("Статья;Год\nНовая статья;2024\nСтарая статья;1999\n;двадцать\n")

    assert not report.committed
    assert [str(error) for error in report.errors] == [
        "Строка 3, «Год»: год 1999 раньше основания товарищества.",
        "Строка 4, «Статья»: пустая ячейка.",
        "Строка 4, «Год»: не число (двадцать).",
    ]
    assert not Article.objects.exists() and not ImportBatch.objects.exists()


def test_a_registered_importer_gets_the_file_checks(articles_kind):
    report = _run("Статья\nЧленские взносы\n")

    assert [str(error) for error in report.errors] == ["«Год»: в файле нет обязательного столбца «Год»."]


def test_an_unregistered_kind_is_refused():
    with pytest.raises(ValueError, match="Unknown import kind"):
        _run(FILE)
