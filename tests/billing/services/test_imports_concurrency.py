"""Two imports confirmed at the same instant (issue 9, §4): imports run one at a time and each
plans from what the other wrote, on SQLite and on PostgreSQL alike (run with DATABASE_URL)."""

import threading

import pytest
from django.db import connection

from billing.models import Article, ImportBatch, Payment, Plot
from billing.services.imports import Kind, run_import

PAYMENTS = "Участок;Дата;Сумма;Статья\n" + "".join(
    f"{number};15.04.2022;{number}00,50;Членские взносы 2022\n" for number in range(1, 101)
)


def _at_once(*contents: bytes):
    """run_import(commit=True) of each content in its own thread and connection, released together."""
    barrier = threading.Barrier(len(contents))
    reports, failures = [], []

    def confirm(content: bytes) -> None:
        try:
            barrier.wait()
            reports.append(run_import(kind=Kind.PAYMENTS, file_name="payments.csv", content=content, commit=True))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(content,)) for content in contents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    return reports


@pytest.mark.django_db(transaction=True)
def test_two_payment_files_differing_by_a_newline_post_each_payment_once():
    """Payments without a bank document: the plan was built outside the transaction, so both
    files saw none of them and each wrote all 100."""
    Plot.objects.bulk_create(Plot(number=number, street="1", area=6) for number in range(1, 101))
    Article.objects.create(name="Членские взносы 2022", kind=Article.Kind.MEMBERSHIP)
    first = PAYMENTS.encode()
    second = first + b"\n"

    reports = _at_once(first, second)

    assert all(report.ok and report.committed for report in reports), [report.errors for report in reports]
    assert sorted((report.created, report.unchanged) for report in reports) == [(0, 100), (100, 0)]
    assert Payment.objects.count() == 100
    assert ImportBatch.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_import_lock_is_taken_before_the_plan_reads_anything():
    """The lock row is written first in the import's transaction (SQLite takes its write lock then)."""
    Plot.objects.create(number=1, street="1", area=6)
    content = "Участок;Дата;Сумма;Статья\n1;15.04.2022;100;Взнос\n".encode()
    statements = []

    def record(execute, sql, params, many, context):
        if not sql.upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE")):
            statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        report = run_import(kind=Kind.PAYMENTS, file_name="p.csv", content=content, commit=True)

    assert report.committed
    assert "importbatch" in statements[0].lower()  # is it a duplicate? (answered without the lock)
    assert "importlock" in statements[1].lower()  # then the lock, before the plan reads the database
