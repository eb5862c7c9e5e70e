"""«Неразобранные платежи»: assigning with a split, learning the payer, skipping, undoing a statement."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from billing.models import Article, BankTransaction, ImportBatch, KnownPayer, Payment
from billing.services.statements.queue import AssignError, Part, assign, skip, statement_undo
from tests.factories import ArticleFactory, PlotFactory

from .test_exchange import sample_text
from .test_import_statement import cp1251, load

pytestmark = pytest.mark.django_db

NO_PLOT = "Членский взнос за 2022 г."


@pytest.fixture
def world():
    plots = {number: PlotFactory(number=number) for number in (269, 270)}
    ArticleFactory(name="Электроэнергия", kind=Article.Kind.ELECTRICITY)
    membership = ArticleFactory(name="Членские взносы 2022", kind=Article.Kind.MEMBERSHIP, year=2022)
    report = load(cp1251(sample_text().replace("Членский взнос за 2022 г., уч. 270.", NO_PLOT)))
    queued = BankTransaction.objects.get(number="77")
    assert queued.status == BankTransaction.Status.QUEUED
    return plots, membership, queued, report.batch


def test_a_split_must_add_up_to_the_kopeck(world):
    plots, membership, queued, _ = world
    with pytest.raises(AssignError, match="Части в сумме дают 8199.99 ₽, а платёж — 8200.00 ₽"):
        assign(
            transaction_id=queued.pk,
            parts=[Part(plots[269], membership, Decimal("4100.00")), Part(plots[270], membership, Decimal("4099.99"))],
            user=None,
        )
    assert not Payment.objects.filter(transaction=queued).exists()
    queued.refresh_from_db()
    assert queued.status == BankTransaction.Status.QUEUED


def test_a_split_between_two_plots_posts_two_payments_and_is_learnt(world, django_user_model):
    plots, membership, queued, _ = world
    treasurer = django_user_model.objects.create_user(username="treasurer")
    assign(
        transaction_id=queued.pk,
        parts=[Part(plots[269], membership, Decimal("4100.00")), Part(plots[270], membership, Decimal("4100.00"))],
        user=treasurer,
    )
    payments = list(
        Payment.objects.filter(transaction=queued)
        .order_by("plot__number")
        .values_list("plot__number", "amount", "document")
    )
    assert payments == [
        (269, Decimal("4100.00"), f"bank-{queued.pk}"),
        (270, Decimal("4100.00"), f"bank-{queued.pk}-2"),
    ]
    queued.refresh_from_db()
    assert (queued.status, queued.decided_by) == (BankTransaction.Status.POSTED, treasurer)
    learnt = set(KnownPayer.objects.values_list("account", "name", "plot__number"))
    assert learnt == {
        ("40817810500001234567", "ПЕТРОВА АННА СЕРГЕЕВНА", 269),
        ("40817810500001234567", "ПЕТРОВА АННА СЕРГЕЕВНА", 270),
    }
    with pytest.raises(AssignError, match="уже разобран"):
        assign(transaction_id=queued.pk, parts=[Part(plots[269], membership, Decimal("8200.00"))], user=None)


def test_the_learnt_payer_posts_the_next_transfer_by_itself(world):
    plots, membership, queued, _ = world
    assign(transaction_id=queued.pk, parts=[Part(plots[270], membership, Decimal("8200.00"))], user=None)
    june = sample_text().replace("Номер=77", "Номер=91").replace("Членский взнос за 2022 г., уч. 270.", NO_PLOT)
    load(
        cp1251(
            june.replace("Номер=512", "Номер=612").replace("Номер=13", "Номер=14").replace("Номер=900", "Номер=901")
        )
    )
    posted = Payment.objects.get(transaction__number="91")
    assert (posted.plot.number, posted.article.name) == (270, "Членские взносы 2022")


def test_a_transit_account_payer_is_learnt_by_name_alone(world):
    plots, membership, _, _ = world
    sber = BankTransaction.objects.get(number="512")
    sber.status = BankTransaction.Status.QUEUED
    sber.save()
    Payment.objects.filter(transaction=sber).delete()
    assign(transaction_id=sber.pk, parts=[Part(plots[269], membership, sber.amount)], user=None)
    assert KnownPayer.objects.get(plot=plots[269]).account == ""
    assert KnownPayer.objects.get(plot=plots[269]).name == "ИВАНОВ ИВАН ИВАНОВИЧ"


def test_skip_keeps_the_document_and_posts_nothing(world):
    _, _, queued, _ = world
    skip(transaction_id=queued.pk, user=None)
    queued.refresh_from_db()
    assert queued.status == BankTransaction.Status.SKIPPED
    with pytest.raises(AssignError):
        skip(transaction_id=queued.pk, user=None)


def test_undo_shows_what_goes_then_removes_only_that(world):
    plots, membership, queued, batch = world
    assign(transaction_id=queued.pk, parts=[Part(plots[270], membership, Decimal("8200.00"))], user=None)
    preview = statement_undo(batch_id=batch.pk, commit=False)
    assert str(preview) == "документов: 4 (в очереди: 0, расходов: 2); платежей: 2 на 12321.45 ₽"
    assert BankTransaction.objects.count() == 4
    statement_undo(batch_id=batch.pk, commit=True)
    assert BankTransaction.objects.count() == 0 and Payment.objects.count() == 0
    assert not ImportBatch.objects.filter(pk=batch.pk).exists()
    assert KnownPayer.objects.get().learnt_from is None  # what was learnt stays
    again = load(cp1251(sample_text()))  # a corrected statement loads again
    assert again.committed and again.created == 4


@pytest.mark.django_db(transaction=True)
def test_two_treasurers_assigning_one_document_at_once_post_it_once():
    plots = {number: PlotFactory(number=number) for number in (269, 270)}
    ArticleFactory(name="Электроэнергия", kind=Article.Kind.ELECTRICITY)
    membership = ArticleFactory(name="Членские взносы 2022", kind=Article.Kind.MEMBERSHIP, year=2022)
    load(cp1251(sample_text().replace("Членский взнос за 2022 г., уч. 270.", NO_PLOT)))
    queued = BankTransaction.objects.get(number="77")
    barrier = threading.Barrier(2)
    outcomes = []

    def click(number):
        try:
            barrier.wait()
            assign(transaction_id=queued.pk, parts=[Part(plots[number], membership, Decimal("8200.00"))], user=None)
            outcomes.append("posted")
        except AssignError as error:
            outcomes.append(str(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(number,)) for number in (269, 270)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["posted", "Этот платёж уже разобран."]
    assert Payment.objects.filter(transaction=queued).count() == 1
