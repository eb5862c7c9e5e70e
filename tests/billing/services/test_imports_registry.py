"""Plots, charges and payments imports: keys, updates in place, new articles, their faulty files."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from billing.models import Article, Charge, ImportBatch, Meter, Payment, Plot
from billing.services.imports import Kind, run_import
from tests.factories import ArticleFactory, MeterFactory, PaymentFactory, PlotFactory

FILES = Path(__file__).resolve().parents[2] / "files"

pytestmark = pytest.mark.django_db


def _import(name: str, kind: str, *, commit: bool = True, content: bytes | None = None, **kwargs):
    content = (FILES / name).read_bytes() if content is None else content
    return run_import(kind=kind, file_name=name, content=content, commit=commit, **kwargs)


def _errors(report) -> list[tuple[int | None, str | None, str]]:
    return [(error.row, error.column, error.message) for error in report.errors]


@pytest.mark.parametrize("name", ["plots.csv", "plots.xlsx"])
def test_plots_file_creates_the_registry_and_a_meter_per_plot(name):
    report = _import(name, Kind.PLOTS)

    assert report.ok, [str(error) for error in report.errors]
    plot = Plot.objects.get(number=269)
    assert (plot.street, plot.area, plot.electrified, plot.has_new_meter) == ("5", Decimal("7.20"), True, True)
    meter = Meter.objects.get(plot=plot)
    assert meter.kind == Meter.Kind.TWO_ZONE and meter.removed_on is None
    assert Meter.objects.count() == Plot.objects.count() == report.created
    assert ImportBatch.objects.get().kind == Kind.PLOTS


def test_plots_file_reads_contacts_and_meter_kind():
    _import("plots.csv", Kind.PLOTS)

    plot = Plot.objects.get(number=269)
    assert (plot.owner_name, plot.owner_email, plot.owner_phone) == (
        "Иванова Мария Петровна",
        "member269@example.org",
        "89031221105",
    )
    single = Plot.objects.get(number=271)
    assert (single.street, single.electrified, single.owner_phone) == ("Лесная", False, "89160000001")
    assert single.meters.get().kind == Meter.Kind.SINGLE


def test_plots_file_updates_existing_plots_and_keeps_their_meter():
    plot = PlotFactory(number=269, street="4", area=Decimal("6.00"))
    meter = MeterFactory(plot=plot, kind=Meter.Kind.TWO_ZONE)
    bare = PlotFactory(number=270, street="5", area=Decimal("7.20"), electrified=True, has_new_meter=True)

    preview = _import("plots.csv", Kind.PLOTS, commit=False)
    rows = {row.values["Участок"]: row for row in preview.rows}
    assert rows["269"].status == "changed"
    assert rows["269"].values["Улица"] == "5 (было 4)"
    assert rows["269"].values["Площадь"] == "7.2 (было 6)"
    assert rows["270"].status == "changed"  # it gets its first meter
    assert rows["271"].status == "new"

    _import("plots.csv", Kind.PLOTS)

    plot.refresh_from_db()
    assert (plot.street, plot.area) == ("5", Decimal("7.20"))
    assert list(plot.meters.all()) == [meter]
    assert bare.meters.get().kind == Meter.Kind.TWO_ZONE


def test_plots_file_changes_the_current_meter_kind():
    meter = MeterFactory(plot=PlotFactory(number=271), kind=Meter.Kind.TWO_ZONE)

    report = _import("plots.csv", Kind.PLOTS)

    assert next(row for row in report.rows if row.values["Участок"] == "271").values["Тип счетчика"] == (
        "однотарифный (было двухтарифный)"
    )
    meter.refresh_from_db()
    assert meter.kind == Meter.Kind.SINGLE


def test_the_plots_file_may_carry_the_cadastral_numbers_checked():
    good = "Участок;Улица;Площадь;Электрификация;Новый счетчик;Кадастровый номер\n31;5;6;Да;Да;50:20:0010101:31\n"
    report = _import("plots.csv", Kind.PLOTS, content=good.encode())
    assert report.ok, [str(error) for error in report.errors]
    assert Plot.objects.get(number=31).cadastral_number == "50:20:0010101:31"
    bad = good.replace("50:20:0010101:31", "٥٠:٢٠:٠٠١٠١٠١:٣١").replace("\n31;", "\n32;")
    refused = _import("plots.csv", Kind.PLOTS, content=bad.encode())
    assert not refused.ok
    assert [(row, column) for row, column, _ in _errors(refused)] == [(2, "Кадастровый номер")]
    assert "Кадастровый номер пишется так" in _errors(refused)[0][2]
    assert not Plot.objects.filter(number=32).exists()


def test_plots_faulty_file_lists_every_problem():
    report = _import("plots_faulty.csv", Kind.PLOTS)

    assert not report.committed
    assert _errors(report) == [
        (2, "Электрификация", "нужно «Да» или «Нет» (Может быть)."),
        (3, "Площадь", "отрицательное число (-7,2)."),
        (3, "Email", "неверный адрес электронной почты (not-an-email)."),
        (3, "Телефон", "телефон должен состоять из 11 цифр и начинаться с 8 (12345)."),
        (3, "Тип счетчика", "нужно «однотарифный» или «двухтарифный» (трёхтарифный)."),
        (4, "Участок", "участок 269 уже есть в строке 2."),
    ]
    assert not Plot.objects.exists()


@pytest.fixture
def plots():
    return {number: PlotFactory(number=number) for number in (269, 270)}


def test_charges_file_creates_charges_and_a_new_article(plots):
    ArticleFactory(name="Членские взносы 2022", kind=Article.Kind.MEMBERSHIP)

    preview = _import("charges.csv", Kind.CHARGES, commit=False)
    assert preview.notices == ["Будет создана новая статья «Целевой взнос на дорогу 2022» (вид: целевой взнос)."]
    assert preview.rows[2].values["Статья"] == "Целевой взнос на дорогу 2022 (новая статья)"
    assert preview.rows[0].values == {
        "Участок": "269",
        "Статья": "Членские взносы 2022",
        "Сумма": "7 200,00",
        "Дата": "01.01.2022",
    }
    assert not Article.objects.filter(name__startswith="Целевой").exists()

    report = _import("charges.csv", Kind.CHARGES)

    assert report.ok and report.created == 3
    target = Article.objects.get(name="Целевой взнос на дорогу 2022")
    assert (target.kind, target.year) == (Article.Kind.TARGET, 2022)
    charge = Charge.objects.get(plot=plots[269], article__name="Членские взносы 2022")
    assert (charge.amount, charge.accrued_on, charge.batch) == (
        Decimal("7200.00"),
        datetime.date(2022, 1, 1),
        report.batch,
    )
    assert Charge.objects.get(article=target).amount == Decimal("1500.50")
    assert report.batch.as_of == datetime.date(2022, 3, 1)


def test_charges_without_dates_are_accrued_on_the_as_of_date(plots):
    content = "Участок;Статья;Сумма\n269;членские взносы 2022;7200\n".encode()
    ArticleFactory(name="Членские взносы 2022", kind=Article.Kind.MEMBERSHIP)

    report = _import("charges.csv", Kind.CHARGES, content=content, as_of=datetime.date(2022, 4, 26))

    charge = Charge.objects.get()
    assert charge.accrued_on == datetime.date(2022, 4, 26)
    assert charge.article.name == "Членские взносы 2022"  # matched case-insensitively, no new article
    assert report.batch.as_of == datetime.date(2022, 4, 26)


def test_corrected_charges_file_updates_the_amount_in_place(plots):
    _import("charges.csv", Kind.CHARGES)
    charge = Charge.objects.get(plot=plots[270], article__name="Членские взносы 2022")
    content = (FILES / "charges.csv").read_bytes().replace(b"\t7200\t", b"\t7300\t")

    report = _import("charges-fixed.csv", Kind.CHARGES, content=content)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    charge.refresh_from_db()
    assert (charge.amount, charge.batch) == (Decimal("7300.00"), report.batch)
    assert Charge.objects.count() == 3


def test_charges_faulty_file(plots):
    report = _import("charges_faulty.csv", Kind.CHARGES)

    assert _errors(report) == [
        (3, "Участок", "участка 9999 нет в реестре."),
        (4, "Сумма", "отрицательное число (-100)."),
        (5, "Статья", "повтор: начисление «Членские взносы 2022» участку 269 на 01.01.2022 уже есть в строке 2."),
    ]
    assert not Charge.objects.exists() and not Article.objects.exists()


def test_payments_file_creates_payments_with_their_documents(plots):
    report = _import("payments.csv", Kind.PAYMENTS)

    assert report.ok and report.created == 3
    payment = Payment.objects.get(document="п/п 101")
    assert (payment.plot, payment.paid_on, payment.amount) == (
        plots[269],
        datetime.date(2022, 4, 15),
        Decimal("1000.50"),
    )
    assert Payment.objects.get(document="").amount == Decimal("350.75")
    assert Article.objects.get(name="Электроэнергия").kind == Article.Kind.ELECTRICITY
    assert report.batch.as_of == datetime.date(2022, 4, 26)


def test_corrected_payments_file_updates_by_document(plots):
    _import("payments.csv", Kind.PAYMENTS)
    kept = Payment.objects.get(document="п/п 102").pk
    content = (FILES / "payments.csv").read_bytes().replace(b"270,26.04.2022,7200", b"269,25.04.2022,7100")

    report = _import("payments-fixed.csv", Kind.PAYMENTS, content=content)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    changed = next(row for row in report.rows if row.status == "changed")
    assert changed.values["Участок"] == "269 (было 270)"
    assert changed.values["Сумма"] == "7 100,00 (было 7 200,00)"
    payment = Payment.objects.get(document="п/п 102")
    assert (payment.pk, payment.plot, payment.amount) == (kept, plots[269], Decimal("7100.00"))
    assert Payment.objects.count() == 3


def test_payment_without_document_already_present_is_unchanged(plots):
    article = ArticleFactory(name="Электроэнергия")
    PaymentFactory(plot=plots[269], article=article, paid_on=datetime.date(2022, 4, 20), amount=Decimal("350.75"))

    report = _import("payments.csv", Kind.PAYMENTS)

    assert (report.created, report.unchanged) == (2, 1)
    assert Payment.objects.filter(document="").count() == 1


def test_payments_faulty_file(plots):
    report = _import("payments_faulty.csv", Kind.PAYMENTS)

    assert _errors(report) == [
        (2, "Сумма", "сумма платежа должна быть больше нуля."),
        (4, "Документ", "повтор: документ «п/п 2» уже есть в строке 3."),
    ]
    assert not Payment.objects.exists()
