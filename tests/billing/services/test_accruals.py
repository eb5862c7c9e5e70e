import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from billing.models import Charge, FeeRate, ImportBatch
from billing.services.accruals import fees_accrue
from tests.factories import ArticleFactory, ChargeFactory, FeeRateFactory, ImportBatchFactory, PlotFactory

pytestmark = pytest.mark.django_db

JAN_2022 = datetime.date(2022, 1, 1)


@pytest.fixture
def membership():
    article = ArticleFactory(name="Членские взносы 2022", year=2022)
    FeeRateFactory(article=article, rate=Decimal("1000.00"), accrue_on=JAN_2022)
    return article


def test_golden_per_sotka_fee(membership, django_user_model):
    plot = PlotFactory(number=269, area=Decimal("7.2"))
    treasurer = django_user_model.objects.create_user(username="kaznachei", password="x")

    result = fees_accrue(year=2022, uploaded_by=treasurer)

    charge = Charge.objects.get(plot=plot)
    assert (charge.article, charge.amount, charge.accrued_on) == (membership, Decimal("7200.00"), JAN_2022)
    assert (result.created, result.updated, result.unchanged) == (1, 0, 0)
    assert charge.batch == result.batch
    assert result.batch.kind == ImportBatch.Kind.ACCRUAL and result.batch.rows_created == 1
    assert result.batch.uploaded_by == treasurer
    assert str(result) == "новых начислений 1, изменено 0, без изменений 0, пропущено 0."


def test_per_sotka_fee_is_rounded_half_up_to_kopecks():
    FeeRateFactory(rate=Decimal("333.33"), accrue_on=JAN_2022)
    plot = PlotFactory(area=Decimal("1.05"))  # 349.9965 → 350.00

    fees_accrue()

    assert Charge.objects.get(plot=plot).amount == Decimal("350.00")


def test_per_plot_fee_ignores_the_area():
    FeeRateFactory(basis=FeeRate.Basis.PER_PLOT, rate=Decimal("2500.00"))
    small, big = PlotFactory(area=Decimal("3.00")), PlotFactory(area=Decimal("12.50"))

    fees_accrue()

    assert Charge.objects.get(plot=small).amount == Charge.objects.get(plot=big).amount == Decimal("2500.00")


def test_second_run_creates_nothing_and_records_no_batch(membership):
    PlotFactory(number=269, area=Decimal("7.2"))
    PlotFactory(number=270, area=Decimal("6.0"))
    first = fees_accrue(year=2022)

    second = fees_accrue(year=2022)

    assert (first.created, second.created, second.updated, second.unchanged) == (2, 0, 0, 2)
    assert second.batch is None and not second.changed
    assert Charge.objects.count() == 2
    assert ImportBatch.objects.filter(kind=ImportBatch.Kind.ACCRUAL).count() == 1


def test_changed_rate_updates_in_place_and_same_changes_can_recur(membership):
    plot = PlotFactory(number=269, area=Decimal("7.2"))
    fees_accrue(year=2022)
    Charge.objects.all().delete()
    fees_accrue(year=2022)  # the very same changes again: a second batch, no unique clash
    FeeRate.objects.filter(article=membership).update(rate=Decimal("1100.00"))

    result = fees_accrue(year=2022)

    assert (result.created, result.updated) == (0, 1)
    assert Charge.objects.get(plot=plot).amount == Decimal("7920.00")
    assert ImportBatch.objects.filter(kind=ImportBatch.Kind.ACCRUAL).count() == 3


def test_inactive_plot_and_plot_without_area_are_skipped(membership):
    PlotFactory(number=1, active=False)
    PlotFactory(number=2, area=Decimal("0"))
    active = PlotFactory(number=3, area=Decimal("5"))

    result = fees_accrue(year=2022)

    assert list(Charge.objects.values_list("plot", flat=True)) == [active.pk]
    assert result.skipped == 1
    assert result.articles[0].plots == 1 and result.articles[0].amount == Decimal("5000.00")


def test_year_and_article_select_the_rates(membership):
    other = FeeRateFactory(article=ArticleFactory(name="Членские взносы 2023", year=2023), accrue_on=JAN_2022)
    undated = FeeRateFactory(article=ArticleFactory(name="Целевой"), accrue_on=datetime.date(2023, 3, 1))
    PlotFactory(area=Decimal("1"))

    assert [a.article for a in fees_accrue(year=2022, dry_run=True).articles] == ["Членские взносы 2022"]
    assert [a.article for a in fees_accrue(year=2023, dry_run=True).articles] == ["Членские взносы 2023", "Целевой"]
    assert [a.article for a in fees_accrue(article=undated.article, dry_run=True).articles] == ["Целевой"]
    assert other.article.year == 2023


def test_dry_run_writes_nothing(membership):
    PlotFactory(area=Decimal("7.2"))

    result = fees_accrue(year=2022, dry_run=True)

    assert result.created == 1 and result.batch is None
    assert not Charge.objects.exists()
    assert not ImportBatch.objects.exists()


def test_manual_charges_of_other_dates_are_left_alone(membership):
    plot = PlotFactory(area=Decimal("7.2"))
    manual = ChargeFactory(plot=plot, article=membership, amount=Decimal("1.00"), accrued_on=datetime.date(2022, 3, 1))
    ImportBatchFactory(kind=ImportBatch.Kind.ACCRUAL)

    fees_accrue(year=2022)

    manual.refresh_from_db()
    assert manual.amount == Decimal("1.00")
    assert Charge.objects.filter(plot=plot).count() == 2


def test_command_prints_a_russian_summary(membership):
    PlotFactory(number=269, area=Decimal("7.2"))
    out = StringIO()

    call_command("accrue_fees", "--year", "2022", stdout=out)
    call_command("accrue_fees", "--year", "2022", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == "Членские взносы 2022 (01.01.2022): участков 1, сумма 7 200,00 ₽"
    assert lines[1] == "Итого: новых начислений 1, изменено 0, без изменений 0, пропущено 0."
    assert lines[3] == "Итого: новых начислений 0, изменено 0, без изменений 1, пропущено 0."


def test_command_dry_run_and_no_rates():
    out = StringIO()
    call_command("accrue_fees", "--year", "1999", "--dry-run", stdout=out)
    assert out.getvalue() == "Нет ставок взносов на 1999 год.\n"

    FeeRateFactory(accrue_on=JAN_2022)
    PlotFactory(area=Decimal("2"))
    call_command("accrue_fees", "--dry-run", stdout=out)
    assert "Пробный запуск, ничего не записано. Было бы: новых начислений 1" in out.getvalue()
    assert not Charge.objects.exists()


def test_an_accrual_queues_behind_imports_on_their_lock(membership):
    from billing.models import ImportLock

    fees_accrue(year=2022, dry_run=True)
    assert not ImportLock.objects.exists()  # a dry run writes nothing, the lock row included
    fees_accrue(year=2022)
    assert ImportLock.objects.filter(name=ImportLock.IMPORTS).exists()
