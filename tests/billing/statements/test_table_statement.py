"""A bank's own XLSX/CSV statement: the same documents, matching and idempotency as the 1C format."""

from decimal import Decimal
from pathlib import Path

import pytest

from billing.models import Article, BankTransaction, Payment
from billing.services.imports import Kind, run_import
from tests.factories import ArticleFactory, PlotFactory

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parents[3] / "billing" / "demo_files" / "examples"
HEADER = "Дата;Номер;Приход;Расход;Плательщик;Счёт плательщика;ИНН плательщика;Назначение платежа\r\n"


@pytest.fixture(autouse=True)
def registry(settings):
    settings.BANK_ACCOUNTS = ["40703810938000012345"]
    PlotFactory(number=269)
    PlotFactory(number=270)
    ArticleFactory(name="Электроэнергия", kind=Article.Kind.ELECTRICITY)
    ArticleFactory(name="Членские взносы 2022", kind=Article.Kind.MEMBERSHIP, year=2022)


def load(name: str, content: bytes, commit=True):
    return run_import(kind=Kind.STATEMENT, file_name=name, content=content, commit=commit)


@pytest.mark.parametrize("name", ["statement.csv", "statement.xlsx"])
def test_the_example_tables_post_like_the_1c_file(name):
    report = load(name, (EXAMPLES / name).read_bytes())
    assert report.committed, [str(error) for error in report.errors]
    assert report.created == 3 and report.warnings == []
    payments = sorted(Payment.objects.values_list("plot__number", "article__name", "amount"))
    assert payments == [
        (269, "Электроэнергия", Decimal("4121.45")),
        (270, "Членские взносы 2022", Decimal("8200.00")),
    ]
    fee = BankTransaction.objects.get(number="900")
    assert (fee.direction, fee.recipient_name, fee.category.name) == ("out", "ПАО СБЕРБАНК", "Банковское обслуживание")
    again = load(
        name.replace("statement", "again"), (EXAMPLES / name).read_bytes() + (b"\r\n" if name.endswith("csv") else b"")
    )
    assert BankTransaction.objects.count() == 3 and Payment.objects.count() == 2
    assert again.created == 0


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("31.04.2022;1;100;;Иванов;;;уч. 269", "Строка 2, «Дата»"),
        ("05.05.2022;1;сто;;Иванов;;;уч. 269", "Строка 2, «Приход»: не число (сто)."),
        ("05.05.2022;1;;;Иванов;;;уч. 269", "Строка 2, «Приход»: пустая ячейка, нужна сумма."),
        (
            "05.05.2022;1;100;50;Иванов;;;уч. 269",
            "Строка 2, «Расход»: в строке и приход, и расход: разнесите их в две строки.",
        ),
    ],
)
def test_bad_rows_are_named_and_nothing_is_written(row, message):
    report = load("bank.csv", (HEADER + row + "\r\n").encode())
    assert not report.ok
    assert str(report.errors[0]).startswith(message)
    assert BankTransaction.objects.count() == 0


def test_a_table_without_an_amount_column_is_refused():
    report = load("bank.csv", "Дата;Номер;Плательщик;Назначение платежа\r\n05.05.2022;1;Иванов;уч. 269\r\n".encode())
    assert [str(error) for error in report.errors] == [
        "Строка 1: Нет столбца «Сумма» или «Приход»: в выписке нужна сумма платежа."
    ]


def test_without_a_known_account_the_table_asks_for_one(settings):
    settings.BANK_ACCOUNTS = []
    report = load("statement.csv", (EXAMPLES / "statement.csv").read_bytes())
    assert "укажите счёт товарищества в настройке BANK_ACCOUNTS" in str(report.errors[0])
