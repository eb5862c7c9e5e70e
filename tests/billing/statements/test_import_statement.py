"""Loading a bank statement: payments post themselves, the rest waits in the queue, expenses get a
category; reloads and overlapping statements add nothing."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from billing.models import Article, BankTransaction, ImportBatch, KnownPayer, Payment
from billing.services.imports import Kind, run_import
from tests.factories import ArticleFactory, ChargeFactory, PlotFactory

from .test_exchange import SAMPLE, sample_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry():
    plots = {number: PlotFactory(number=number) for number in (269, 270)}
    articles = {
        "electricity": ArticleFactory(name="Электроэнергия", kind=Article.Kind.ELECTRICITY),
        "membership": ArticleFactory(name="Членские взносы 2022", kind=Article.Kind.MEMBERSHIP, year=2022),
    }
    return plots, articles


def load(content: bytes, *, commit=True, **kwargs):
    return run_import(kind=Kind.STATEMENT, file_name="statement.txt", content=content, commit=commit, **kwargs)


def cp1251(text: str) -> bytes:
    return text.encode("cp1251")


def test_the_sample_statement_posts_what_is_certain(registry):
    plots, articles = registry
    preview = load(SAMPLE.read_bytes(), commit=False)
    assert preview.ok and preview.warnings == []
    assert [row.values["Разнесение"] for row in preview.rows] == [
        "уч. 269: Электроэнергия 4 121,45",
        "уч. 270: Членские взносы 2022 8 200,00",
        "расход: Электроэнергия поставщику",
        "расход: Банковское обслуживание",
    ]
    assert preview.rows[0].values["Почему"].startswith("уч. 269 в назначении")
    assert BankTransaction.objects.count() == 0  # a preview writes nothing

    report = load(SAMPLE.read_bytes())
    assert report.committed and report.created == 4
    payments = list(
        Payment.objects.order_by("plot__number").values_list("plot__number", "article__name", "amount", "paid_on")
    )
    assert payments == [
        (269, "Электроэнергия", Decimal("4121.45"), date(2022, 5, 5)),
        (270, "Членские взносы 2022", Decimal("8200.00"), date(2022, 5, 12)),
    ]
    statuses = dict(BankTransaction.objects.values_list("number", "status"))
    assert statuses == {"512": "posted", "77": "posted", "13": "expense", "900": "expense"}
    assert report.batch.as_of == date(2022, 5, 31)


def test_the_same_statement_twice_and_an_overlapping_one_post_each_document_once(registry):
    load(SAMPLE.read_bytes())
    again = load(SAMPLE.read_bytes())
    assert again.duplicate_of is not None and not again.committed

    extra = """СекцияДокумент=Платежное поручение\r
Номер=78\r
Дата=31.05.2022\r
Сумма=1000.00\r
ПлательщикСчет=40817810500001234567\r
Плательщик=Петрова Анна Сергеевна\r
ПолучательСчет=40703810938000012345\r
ДатаПоступило=31.05.2022\r
НазначениеПлатежа=эл/эн уч 270\r
КонецДокумента\r
КонецФайла"""
    month = sample_text().replace("ВсегоПоступило=12321.45", "ВсегоПоступило=13321.45")
    month = month.replace("КонечныйОстаток=109171.45", "КонечныйОстаток=110171.45").replace("КонецФайла", extra)
    report = load(cp1251(month))
    assert report.committed, report.errors
    assert (report.created, report.unchanged) == (1, 4)
    assert Payment.objects.count() == 3
    assert BankTransaction.objects.count() == 5


def test_a_purpose_without_a_plot_waits_in_the_queue(registry):
    text = sample_text().replace("Членский взнос за 2022 г., уч. 270.", "Членский взнос за 2022 г.")
    report = load(cp1251(text))
    assert report.committed
    queued = BankTransaction.objects.get(number="77")
    assert queued.status == BankTransaction.Status.QUEUED
    assert (
        queued.reason == "в назначении нет номера участка; членский взнос 2022 в назначении"
        or "нет номера" in queued.reason
    )
    assert not Payment.objects.filter(transaction=queued).exists()


def test_a_known_payer_posts_without_a_plot_in_the_purpose(registry):
    plots, _ = registry
    KnownPayer.objects.create(account="40817810500001234567", name="ПЕТРОВА АННА СЕРГЕЕВНА", plot=plots[270])
    text = sample_text().replace("Членский взнос за 2022 г., уч. 270.", "Членский взнос за 2022 г.")
    load(cp1251(text))
    payment = Payment.objects.get(transaction__number="77")
    assert (payment.plot.number, payment.article.name) == (270, "Членские взносы 2022")
    assert "плательщик известен: уч. 270" in payment.transaction.reason


def test_a_transit_account_is_never_a_known_payer(registry):
    """Every Сбербанк Онлайн payer arrives from the same transit account: only the name counts."""
    plots, _ = registry
    KnownPayer.objects.create(account="30301810000006000001", name="ИВАНОВ ИВАН ИВАНОВИЧ", plot=plots[270])
    text = sample_text().replace("ЛИЦЕВОЙ СЧЕТ: 269; ", "").replace("Иванов Иван Иванович", "Сидоров Пётр")
    load(cp1251(text))
    assert BankTransaction.objects.get(number="512").status == BankTransaction.Status.QUEUED


def test_no_article_named_pays_the_oldest_debts_first_and_the_rest_is_an_advance(registry):
    plots, articles = registry
    old = ArticleFactory(name="Членские взносы 2021", kind=Article.Kind.MEMBERSHIP, year=2021)
    ChargeFactory(plot=plots[270], article=old, amount=Decimal("5000.00"), accrued_on=date(2021, 6, 1))
    ChargeFactory(
        plot=plots[270], article=articles["membership"], amount=Decimal("2000.00"), accrued_on=date(2022, 6, 1)
    )
    text = sample_text().replace("Членский взнос за 2022 г., уч. 270.", "оплата уч. 270")
    load(cp1251(text))
    parts = list(
        Payment.objects.filter(transaction__number="77").order_by("document").values_list("article__name", "amount")
    )
    assert parts == [
        ("Членские взносы 2021", Decimal("5000.00")),
        ("Членские взносы 2022", Decimal("2000.00")),
        ("Предоплата/аванс члена", Decimal("1200.00")),
    ]


def test_totals_that_do_not_add_up_wait_for_the_treasurer(registry):
    text = cp1251(sample_text().replace("ВсегоСписано=3150.00", "ВсегоСписано=3100.00"))
    report = load(text)
    assert report.needs_acknowledgement and not report.committed
    assert len(report.warnings) == 2
    assert BankTransaction.objects.count() == 0 and ImportBatch.objects.count() == 0
    assert load(text, acknowledged=True).committed
    assert BankTransaction.objects.count() == 4


def test_a_statement_of_another_account_is_refused(registry, settings):
    settings.BANK_ACCOUNTS = ["40703810000000000001"]
    report = load(SAMPLE.read_bytes())
    assert [str(error) for error in report.errors] == [
        "Выписка по счёту 40703810938000012345, а счёт товарищества — 40703810000000000001. Это выписка другой "
        "организации? Если счёт новый, его указывают в настройке BANK_ACCOUNTS."
    ]
    assert BankTransaction.objects.count() == 0


def test_the_first_statement_sets_the_account(registry):
    load(SAMPLE.read_bytes())
    other = sample_text().replace("40703810938000012345", "40703810000000000001").replace("Номер=512", "Номер=513")
    report = load(cp1251(other))
    assert not report.ok and "Выписка по счёту 40703810000000000001" in str(report.errors[0])


def test_command_dry_run_then_load(registry, capsys, tmp_path):
    path = tmp_path / "may.txt"
    path.write_bytes(SAMPLE.read_bytes())
    call_command("import_statement", str(path), "--dry-run")
    assert "Проверка «may.txt» без записи: новых: 4" in capsys.readouterr().out
    assert BankTransaction.objects.count() == 0
    call_command("import_statement", str(path))
    assert "Загружен «may.txt»: новых: 4" in capsys.readouterr().out
    assert Payment.objects.count() == 2


def test_command_refuses_unacknowledged_totals_and_names_the_line(registry, tmp_path):
    path = tmp_path / "may.txt"
    path.write_bytes(cp1251(sample_text().replace("ВсегоСписано=3150.00", "ВсегоСписано=3100.00")))
    with pytest.raises(CommandError, match="--acknowledge"):
        call_command("import_statement", str(path))
    call_command("import_statement", str(path), "--acknowledge")
    assert BankTransaction.objects.count() == 4

    broken = tmp_path / "broken.txt"
    broken.write_bytes(cp1251(sample_text().replace("Сумма=8200.00", "Сумма=8200,00")))
    with pytest.raises(CommandError, match="Строка 49: «Сумма»: сумма «8200,00» записана неверно"):
        call_command("import_statement", str(broken))


@pytest.mark.django_db(transaction=True)
def test_two_treasurers_confirming_overlapping_statements_at_once_post_each_document_once():
    PlotFactory(number=269)
    PlotFactory(number=270)
    ArticleFactory(name="Электроэнергия", kind=Article.Kind.ELECTRICITY)
    ArticleFactory(name="Членские взносы 2022", kind=Article.Kind.MEMBERSHIP, year=2022)
    first = SAMPLE.read_bytes()
    second = first + b"\r\n"
    barrier = threading.Barrier(2)
    reports, failures = [], []

    def confirm(content):
        try:
            barrier.wait()
            reports.append(load(content))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(content,)) for content in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    assert sorted((report.created, report.unchanged) for report in reports) == [(0, 4), (4, 0)]
    assert BankTransaction.objects.count() == 4
    assert Payment.objects.count() == 2
