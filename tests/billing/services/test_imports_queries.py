"""Imports cost a fixed number of queries, whatever the number of rows, and survive a race."""

import datetime
import sqlite3
import threading

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.models import Article, ImportBatch, Meter, Plot, Reading
from billing.services.imports import Kind, run, run_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def real_sqlite_limit(monkeypatch):
    """Django 5.2 assumes SQLite's old compile-time limit of 999 parameters and splits a bulk insert
    into batches by it; use the limit of the linked SQLite (32766 since 3.32), as Django 6 does."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        monkeypatch.setattr(connection.features, "max_query_params", limit)
    # the content type cache fills on the first ImportBatch saved (Wagtail's reference index)
    ContentType.objects.get_for_model(ImportBatch)


def _registry(count: int) -> None:
    plots = Plot.objects.bulk_create(Plot(number=number, street="1", area=6) for number in range(1, count + 1))
    Meter.objects.bulk_create(Meter(plot=plot) for plot in plots)


def _readings(count: int, taken_on: str, offset: int = 0) -> bytes:
    lines = ["Участок;Дата;День;Ночь"]
    lines += [f"{number};{taken_on};{1000 + number + offset};{500 + number}" for number in range(1, count + 1)]
    return "\n".join(lines).encode()


def _queries(kind: str, content: bytes) -> int:
    with CaptureQueriesContext(connection) as captured:
        report = run_import(kind=kind, file_name="file.csv", content=content, commit=True)
    assert report.committed, [str(error) for error in report.errors]
    return len(captured.captured_queries)


def test_reading_imports_cost_the_same_queries_for_100_and_1000_rows(real_sqlite_limit):
    _registry(1000)

    small = _queries(Kind.READINGS, _readings(100, "01.04.2022"))
    large = _queries(Kind.READINGS, _readings(1000, "01.05.2022", offset=10))
    assert Reading.objects.count() == 1100
    assert small == large

    small_update = _queries(Kind.READINGS, _readings(100, "01.04.2022", offset=1))
    large_update = _queries(Kind.READINGS, _readings(1000, "01.05.2022", offset=11))
    first = Reading.objects.filter(meter__plot__number=1).order_by("taken_on")
    assert list(first.values_list("day", flat=True)) == [1002, 1012]
    assert small_update == large_update


def _plots(count: int) -> bytes:
    lines = ["Участок;Улица;Площадь;Электрификация;Новый счетчик;Тип счетчика"]
    lines += [f"{number};1;6,5;Да;Нет;однотарифный" for number in range(1, count + 1)]
    return "\n".join(lines).encode()


def _ledger(count: int, kind: str) -> bytes:
    if kind == Kind.CHARGES:
        lines = ["Участок;Статья;Сумма;Дата"]
        lines += [f"{number};Членские взносы 2022;{number}00,00;01.01.2022" for number in range(1, count + 1)]
    else:
        lines = ["Участок;Дата;Сумма;Статья;Документ"]
        lines += [
            f"{number};15.04.2022;{number},50;Членские взносы 2022;{kind}-{count}-{number}"
            for number in range(1, count + 1)
        ]
    return "\n".join(lines).encode()


def test_plot_imports_cost_the_same_queries_for_100_and_1000_rows(real_sqlite_limit):
    small = _queries(Kind.PLOTS, _plots(100))
    Plot.objects.all().delete()

    large = _queries(Kind.PLOTS, _plots(1000))

    assert Meter.objects.count() == 1000
    assert small == large


@pytest.mark.parametrize("kind", [Kind.CHARGES, Kind.PAYMENTS])
def test_ledger_imports_cost_the_same_queries_for_100_and_1000_rows(real_sqlite_limit, kind):
    _registry(1000)
    Article.objects.create(name="Членские взносы 2022", kind=Article.Kind.MEMBERSHIP)

    small = _queries(kind, _ledger(100, kind))
    large = _queries(kind, _ledger(1000, kind))

    assert small == large


def test_lost_race_for_the_same_file_reports_the_winner(monkeypatch):
    """Both uploads passed the hash check; the second one's ImportBatch hits the unique constraint."""
    _registry(3)
    content = _readings(3, "01.04.2022")
    winner = run_import(kind=Kind.READINGS, file_name="a.csv", content=content, commit=True)
    checks = iter([None])
    real_check = run._already_imported
    monkeypatch.setattr(run, "_already_imported", lambda kind, sha: next(checks, None) or real_check(kind, sha))

    loser = run_import(kind=Kind.READINGS, file_name="a.csv", content=content, commit=True)

    assert not loser.committed and loser.ok
    assert loser.duplicate_of == winner.batch
    assert Reading.objects.count() == 3
    assert ImportBatch.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_uploads_of_the_same_file_leave_one_set_of_rows():
    _registry(300)
    content = _readings(300, "01.04.2022")
    barrier = threading.Barrier(2)
    reports = []

    def upload():
        try:
            barrier.wait()
            reports.append(run_import(kind=Kind.READINGS, file_name="same.csv", content=content, commit=True))
        finally:
            connection.close()

    threads = [threading.Thread(target=upload) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(reports) == 2
    assert sorted(report.committed for report in reports) == [False, True]
    loser = next(report for report in reports if not report.committed)
    assert loser.ok and loser.duplicate_of == ImportBatch.objects.get()
    assert Reading.objects.count() == 300
    assert datetime.date(2022, 4, 1) in set(Reading.objects.values_list("taken_on", flat=True))
