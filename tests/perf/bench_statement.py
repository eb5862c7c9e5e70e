"""A bank statement of 10,000 documents (issue 12, «Speed»), against a floor measured in the same run.

Floor: reading the file (the 1CClientBankExchange reader) plus matching every purpose with the
regexes alone (plot numbers and article words) — what any statement import must do. Targets:
preview ≤ 2× the floor; confirm ≤ 2× (the floor plus a bare bulk_create of the same documents and
payments); loading the same documents again (another file, so the hash does not short-cut it)
≤ 0.5× the floor; peak memory of the plan ≤ 200 MB (tracemalloc).
"""

import csv
import datetime
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

import pytest

from billing.models import Article, BankTransaction, ImportBatch, Payment, Plot
from billing.services.imports import Kind, run_import
from billing.services.statements.exchange import parse_statement
from billing.services.statements.purpose import article_hint, match_plot

pytestmark = pytest.mark.django_db

DOCUMENTS = 10_000
PLOTS = 3_000
ROUNDS = 3
ACCOUNT = "40703810938000012345"
# Purposes as members write them: the labelled set of the matching tests, each used for many
# documents with its plot numbers shifted, so that 10,000 purposes differ as real ones do.
LABELLED = Path(__file__).resolve().parents[1] / "files" / "statements" / "purposes.csv"


def _purposes() -> list[str]:
    with LABELLED.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file, delimiter=";"))
    return [row["purpose"] for row in rows]


PURPOSES = _purposes()


def _document(index: int) -> str:
    number = index % PLOTS + 1
    day = datetime.date(2022, 5, 1) + datetime.timedelta(days=index % 28)
    return (
        "СекцияДокумент=Платежное поручение\r\n"
        f"Номер={index + 1}\r\nДата={day:%d.%m.%Y}\r\nСумма={1000 + index % 700}.{index % 100:02d}\r\n"
        f"ПлательщикСчет=40817810{index:012d}\r\nПлательщик=Садовод {index}\r\n"
        f"ПолучательСчет={ACCOUNT}\r\nДатаПоступило={day:%d.%m.%Y}\r\n"
        f"НазначениеПлатежа={PURPOSES[index % len(PURPOSES)]} /{number}\r\nКонецДокумента\r\n"
    )


def _statement() -> bytes:
    total = sum(Decimal(f"{1000 + i % 700}.{i % 100:02d}") for i in range(DOCUMENTS))
    head = (
        "1CClientBankExchange\r\nВерсияФормата=1.03\r\nКодировка=Windows\r\n"
        f"ДатаНачала=01.05.2022\r\nДатаКонца=31.05.2022\r\nРасчСчет={ACCOUNT}\r\n"
        f"СекцияРасчСчет\r\nРасчСчет={ACCOUNT}\r\nНачальныйОстаток=0.00\r\nВсегоПоступило={total}\r\n"
        f"ВсегоСписано=0.00\r\nКонечныйОстаток={total}\r\nКонецРасчСчет\r\n"
    )
    return (head + "".join(_document(i) for i in range(DOCUMENTS)) + "КонецФайла\r\n").encode("cp1251")


def _floor_read_and_match(content: bytes, plots: set[int]) -> None:
    for document in parse_statement(content).documents:
        match_plot(document.purpose, plots)
        article_hint(document.purpose)


def _bare_bulk_create(content: bytes, plot_ids: dict[int, int], article_id: int) -> None:
    statement = parse_statement(content)
    documents = BankTransaction.objects.bulk_create(
        BankTransaction(
            account=ACCOUNT,
            direction="in",
            kind=d.kind,
            number=d.number,
            date=d.date,
            booked_on=d.date,
            amount=d.amount,
            payer_account=d.payer_account,
            payer_name=d.payer,
            purpose=d.purpose,
            status="posted",
        )
        for d in statement.documents
    )
    Payment.objects.bulk_create(
        Payment(
            plot_id=plot_ids[i % PLOTS + 1],
            article_id=article_id,
            paid_on=t.date,
            amount=t.amount,
            document=f"bank-{t.pk}",
            transaction=t,
        )
        for i, t in enumerate(documents)
    )


def _load(name: str, content: bytes, *, commit: bool):
    return run_import(kind=Kind.STATEMENT, file_name=name, content=content, commit=commit)


def _empty() -> None:
    Payment.objects.all().delete()
    BankTransaction.objects.all().delete()
    ImportBatch.objects.all().delete()


def _timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def test_statement_import_against_the_floor(targets):
    plots = Plot.objects.bulk_create(Plot(number=n, street="1", area=6) for n in range(1, PLOTS + 1))
    plot_ids = {plot.number: plot.pk for plot in plots}
    Article.objects.create(name="Электроэнергия", kind=Article.Kind.ELECTRICITY)
    Article.objects.create(name="Целевой взнос 2022", kind=Article.Kind.TARGET, year=2022)
    membership = Article.objects.create(name="Членские взносы 2022", kind=Article.Kind.MEMBERSHIP, year=2022)
    content = _statement()
    numbers = set(plot_ids)
    _load("warm.txt", content, commit=False)  # warm up the code paths before timing anything

    floor, insert, preview, confirm = [], [], [], []
    reports = []
    for _ in range(ROUNDS):
        floor.append(_timed(lambda: _floor_read_and_match(content, numbers)))
        _empty()
        insert.append(_timed(lambda: _bare_bulk_create(content, plot_ids, membership.pk)))
        _empty()
        preview.append(_timed(lambda: _load("may.txt", content, commit=False)))
        confirm.append(_timed(lambda: reports.append(_load("may.txt", content, commit=True))))
        if _ != ROUNDS - 1:
            _empty()
    floor, insert, preview, confirm = min(floor), min(insert), min(preview), min(confirm)
    report = reports[-1]
    assert report.committed, [str(error) for error in report.errors[:5]]
    assert report.created == DOCUMENTS == BankTransaction.objects.count()
    posted = BankTransaction.objects.filter(status="posted").count()

    # the same documents in other files (so the hash does not short-cut them): planned, all unchanged
    again = min(
        _timed(lambda n=n: reports.append(_load("again.txt", content + b"\r\n" * (1 + n), commit=True)))
        for n in range(ROUNDS)
    )
    assert reports[-1].unchanged == DOCUMENTS and BankTransaction.objects.count() == DOCUMENTS

    tracemalloc.start()
    _load("memory.txt", content + b"\r\n" * (ROUNDS + 1), commit=False)
    peak_mb = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    tracemalloc.stop()

    print(
        f"\nstatement: {len(content) / 1024 / 1024:.1f} MB, {DOCUMENTS} documents, {posted} posted by themselves; "
        f"floor {floor:.2f} s (read + match), bulk_create {insert:.2f} s; preview {preview:.2f} s; "
        f"confirm {confirm:.2f} s; again {again:.2f} s"
    )
    targets.check("statement: preview / floor", preview / floor, 2)
    targets.check("statement: confirm / (floor + bulk_create)", confirm / (floor + insert), 2)
    targets.check("statement: the same documents again / floor", again / floor, 0.5)
    targets.check("statement: peak memory of a plan", peak_mb, 200, " MB")
    targets.assert_met()
