"""The line balance: main meters against the plots they feed, its fixed number of queries, and the
public page «Баланс электроэнергии»."""

import datetime
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse

from billing.line_balance import line_balance
from billing.line_chart import balance_chart
from billing.line_sums import rebuild
from billing.models import (
    Article,
    Charge,
    LineBalancePage,
    LineSettings,
    MainMeter,
    MainReading,
    Meter,
    Reading,
)
from billing.services.estimates import estimate_readings
from billing.services.imports import Kind, run_import
from billing.services.losses import AllocationRefused, allocate_losses, split
from billing.services.meters import Replacement, replace_meter
from tests.factories import MeterFactory, PlotFactory, ReadingFactory
from tests.home.factories import site_pages  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

D = datetime.date


def _main(meter, rows):
    MainReading.objects.bulk_create(
        MainReading(main_meter=meter, taken_on=taken_on, day=day, night=night) for taken_on, day, night in rows
    )


def _plot(number, rows, *, feeder=None, kind=Meter.Kind.TWO_ZONE):
    meter = MeterFactory(plot=PlotFactory(number=number, main_meter=feeder), kind=kind, serial=f"S{number}")
    for taken_on, day, night in rows:
        ReadingFactory(meter=meter, taken_on=taken_on, day=day, night=night)
    return meter


@pytest.fixture
def world():
    """A meter «на вводе» over plots 1–3 for April and May 2026; plot 3 is on feeder «Фидер 2»."""
    LineSettings.objects.create(supplier_price=Decimal("5.50"))
    transformer = MainMeter.objects.create(name="Ввод ТП-1", kind=MainMeter.Kind.TRANSFORMER)
    feeder = MainMeter.objects.create(name="Фидер 2", kind=MainMeter.Kind.FEEDER)
    _main(transformer, [(D(2026, 4, 1), 10000, 4000), (D(2026, 5, 1), 10700, 4300), (D(2026, 6, 1), 11500, 4600)])
    _main(feeder, [(D(2026, 4, 1), 500, 0), (D(2026, 5, 1), 720, 0), (D(2026, 6, 1), 950, 0)])
    one = _plot(1, [(D(2026, 4, 1), 1000, 500), (D(2026, 5, 1), 1400, 600), (D(2026, 6, 1), 1800, 700)])
    two = _plot(2, [(D(2026, 3, 1), 0, 0), (D(2026, 4, 1), 100, 50), (D(2026, 5, 1), 300, 100)])
    three = _plot(
        3, [(D(2026, 4, 1), 50, 0), (D(2026, 5, 1), 250, 0), (D(2026, 6, 1), 450, 0)], feeder=feeder, kind="single"
    )
    return {"transformer": transformer, "feeder": feeder, "one": one, "two": two, "three": three}


def _rows(balance):
    return [
        (r.main_meter, r.month, r.main_kwh, r.plots.kwh, r.plots.plots, r.plots.estimated, r.plots.missing)
        for r in balance.rows
    ]


def test_balance_per_month_and_main_meter(world):
    balance = line_balance()
    assert _rows(balance) == [
        # May: plot 2 has no reading on 1 June
        ("Ввод ТП-1", D(2026, 5, 1), 1100, 500 + 200, 2, 0, 1),
        ("Фидер 2", D(2026, 5, 1), 230, 200, 1, 0, 0),
        ("Ввод ТП-1", D(2026, 4, 1), 1000, 500 + 250 + 200, 3, 0, 0),
        ("Фидер 2", D(2026, 4, 1), 220, 200, 1, 0, 0),
    ]
    april = balance.rows[2]
    assert (april.loss_kwh, april.loss_percent, april.loss_cost) == (50, Decimal("5.0"), Decimal("275.00"))


def test_estimates_are_counted_and_marked(world):
    estimate_readings(start=D(2026, 5, 1))  # plot 2: 300 day / 100 night over 61 days → +152 / +51
    may = line_balance().rows[0]
    assert (may.plots.kwh, may.plots.plots, may.plots.estimated, may.plots.missing) == (700 + 152 + 51, 3, 1, 0)


def test_a_mid_month_replacement_counts_both_meters(world):
    Reading.objects.filter(meter=world["one"], taken_on=D(2026, 6, 1)).delete()
    replacement = Replacement(world["one"].pk, D(2026, 5, 20), 1700, 650, "NEW", "two_zone", 10, 5)
    new = replace_meter(replacement, today=D(2026, 12, 1))
    ReadingFactory(meter=new, taken_on=D(2026, 6, 1), day=110, night=55)
    may = line_balance().rows[0]
    # old: 1400/600 → 1700/650 (350); new: 10/5 → 110/55 (150); plot 3: 200
    assert (may.plots.kwh, may.plots.plots, may.plots.missing) == (350 + 150 + 200, 2, 1)


def test_months_are_limited_and_until_picks_the_end(world):
    assert [r.month for r in line_balance(months=1).rows] == [D(2026, 5, 1), D(2026, 5, 1)]
    assert [r.month for r in line_balance(until=D(2026, 5, 31)).rows] == [D(2026, 4, 1), D(2026, 4, 1)]


def test_empty_without_main_meters_or_readings(db):
    assert line_balance().is_empty
    MainMeter.objects.create(name="Ввод")
    assert line_balance().is_empty
    assert balance_chart(line_balance()) == ""


def _big_world(plots: int, months: int) -> None:
    transformer = MainMeter.objects.create(name="Ввод", kind=MainMeter.Kind.TRANSFORMER)
    dates = [D(2020 + n // 12, n % 12 + 1, 1) for n in range(months + 1)]
    _main(transformer, [(d, 10_000 * n, 0) for n, d in enumerate(dates)])
    made = [PlotFactory(number=500 + n) for n in range(plots)]
    meters = Meter.objects.bulk_create(Meter(plot=p, kind=Meter.Kind.TWO_ZONE) for p in made)
    Reading.objects.bulk_create(
        Reading(meter=m, taken_on=d, day=100 * n, night=20 * n) for m in meters for n, d in enumerate(dates)
    )


@pytest.mark.parametrize("plots, months", [(1, 3), (12, 40)])
def test_the_selector_runs_a_fixed_number_of_queries_whatever_the_size(django_assert_num_queries, plots, months):
    """Three: the settings, the main meters' readings, the stored monthly sums; never a sum on read."""
    _big_world(plots, months)
    rebuild()  # written in bulk without the import: summed as the recovery command does
    with django_assert_num_queries(3):
        balance = line_balance()
    with django_assert_num_queries(3):
        again = line_balance()
    assert again == balance
    assert len(balance.rows) == min(months, 24)
    assert balance.rows[0].plots.kwh == 120 * plots


def test_chart_is_accessible_svg(world):
    svg = balance_chart(line_balance())
    assert svg.startswith('<svg class="balance-chart"') and 'role="img"' in svg
    assert '<title id="balance-chart-title">Потери электроэнергии по месяцам' in svg
    assert "<title>апрель 2026: потери 50 кВт*ч (5,0 %)</title>" in svg
    assert svg.count("<rect") == 2


def test_chart_names_are_escaped(db):
    feeder = MainMeter.objects.create(name="<script>", kind=MainMeter.Kind.FEEDER)
    _main(feeder, [(D(2026, 4, 1), 0, 0), (D(2026, 5, 1), 10, 0)])
    assert "<script>" not in balance_chart(line_balance())


def _page(site_pages):  # noqa: F811 - the fixture
    page = site_pages.home.add_child(instance=LineBalancePage(title="Баланс электроэнергии", slug="balans"))
    page.save_revision().publish()
    return page


def test_public_page_shows_the_numbers(client, world, site_pages, settings):  # noqa: F811 - the fixture
    settings.PAGE_CACHE = False
    html = client.get(_page(site_pages).url).content.decode()
    assert "<caption>Баланс электроэнергии по месяцам, кВт·ч</caption>" in html
    assert '<th scope="row">Апрель 2026</th>' in html
    assert "<td>1000</td>" in html and "<td>950</td>" in html and "<td>50</td>" in html
    assert "<td>5,0</td>" in html and "275,00" in html
    assert "без показаний: 1" in html
    assert 'class="balance-chart"' in html
    assert "5,50 ₽ за кВт·ч" in html
    assert "участок 1" not in html.lower()  # aggregates only


def test_public_page_keeps_the_query_budget(
    client,
    world,
    site_pages,  # noqa: F811 - the fixture
    settings,
    django_assert_num_queries,
):
    """Any public page ≤ 8 queries (issue 11), whatever the history."""
    settings.PAGE_CACHE = settings.CABINET_CACHE = False
    page = _page(site_pages)
    client.get(page.url)
    with django_assert_num_queries(6):
        assert client.get(page.url).status_code == HTTPStatus.OK


def test_public_page_empty_state(client, site_pages, settings):  # noqa: F811 - the fixture
    settings.PAGE_CACHE = False
    html = client.get(_page(site_pages).url).content.decode()
    assert "Баланса пока нет" in html


def test_a_cached_page_shows_new_readings(client, world, site_pages, settings):  # noqa: F811 - the fixture
    settings.PAGE_CACHE = True
    page = _page(site_pages)
    assert "без показаний: 1" in client.get(page.url).content.decode()
    estimate_readings(start=D(2026, 5, 1))
    assert "без показаний: 1" not in client.get(page.url).content.decode()


# The loss allocation


def _allocate(world, mode, dry_run=False):
    LineSettings.objects.update(allocation=mode)
    return allocate_losses(month=D(2026, 4, 1), dry_run=dry_run)


def _charges():
    return dict(
        Charge.objects.filter(article__name="Потери").values_list("plot__number", "amount").order_by("plot__number")
    )


def test_proportional_allocation_adds_up_to_the_loss_cost(world):
    # April: loss 50 kWh × 5.50 = 275.00 ₽ over 500 (plot 1), 250 (2) and 200 (3) kWh: 144.7368…,
    # 72.3684…, 57.8947… — rounded down 274.98, the two kopecks left to the largest remainders (2, then 1)
    result = _allocate(world, LineSettings.Allocation.PROPORTIONAL)
    assert result.loss_cost == Decimal("275.00")
    assert _charges() == {1: Decimal("144.74"), 2: Decimal("72.37"), 3: Decimal("57.89")}
    assert sum(_charges().values()) == Decimal("275.00")
    charge = Charge.objects.get(plot__number=1)
    assert (charge.accrued_on, charge.article.kind) == (D(2026, 5, 1), Article.Kind.OTHER)


def test_equal_allocation_spreads_the_remainder_kopecks(world):
    LineSettings.objects.update(supplier_price=Decimal("5.51"))  # 50 × 5.51 = 275.50 over 3 plots
    _allocate(world, LineSettings.Allocation.EQUAL)
    assert _charges() == {1: Decimal("91.84"), 2: Decimal("91.83"), 3: Decimal("91.83")}


def test_second_run_changes_nothing_and_a_changed_input_recomputes(world):
    _allocate(world, LineSettings.Allocation.PROPORTIONAL)
    again = allocate_losses(month=D(2026, 4, 1))
    assert again.changes == [] and Charge.objects.count() == 3
    MainReading.objects.filter(main_meter=world["transformer"], taken_on=D(2026, 5, 1)).update(day=10650)
    recomputed = allocate_losses(month=D(2026, 4, 1))  # loss 0: every charge goes
    assert [(c.plot_number, c.after) for c in recomputed.changes] == [(1, 0), (2, 0), (3, 0)]
    assert _charges() == {}


def test_dry_run_writes_nothing(world):
    result = _allocate(world, LineSettings.Allocation.EQUAL, dry_run=True)
    assert result.total == Decimal("275.00") and len(result.changes) == 3
    assert _charges() == {} and not Article.objects.filter(name="Потери").exists()


def test_feeders_only_share_their_own_loss(world):
    world["transformer"].delete()
    _allocate(world, LineSettings.Allocation.EQUAL)
    assert _charges() == {3: Decimal("110.00")}  # feeder 2: 220 − 200 = 20 kWh × 5.50


@pytest.mark.parametrize(
    "mode, price, month, message",
    [
        ("none", "5.50", D(2026, 4, 1), "Распределение потерь выключено"),
        ("equal", "0.00", D(2026, 4, 1), "Не указана цена поставщика"),
        ("equal", "5.50", D(2026, 7, 1), "Нет баланса за 07.2026"),
    ],
)
def test_refusals(world, mode, price, month, message):
    LineSettings.objects.update(allocation=mode, supplier_price=Decimal(price))
    with pytest.raises(AllocationRefused, match=message):
        allocate_losses(month=month)


def test_split_is_exact_for_awkward_weights():
    shares = split(Decimal("100.00"), {1: 1, 2: 1, 3: 1}, {1: 1, 2: 2, 3: 3})
    assert shares == {1: Decimal("33.34"), 2: Decimal("33.33"), 3: Decimal("33.33")}
    assert split(Decimal("0.01"), {1: 5, 2: 5}, {1: 2, 2: 1}) == {2: Decimal("0.01")}
    assert split(Decimal("-5.00"), {1: 1}, {1: 1}) == {}


def test_admin_preview_then_confirm(world, treasurer_client):
    LineSettings.objects.update(allocation=LineSettings.Allocation.PROPORTIONAL)
    url = reverse("billing_allocate_losses")
    assert treasurer_client.get(url).status_code == 200
    preview = treasurer_client.post(url, {"period": "2026-04"}).content.decode()
    assert "data-loss-preview" in preview and "144,74" in preview
    assert _charges() == {}
    assert treasurer_client.post(url, {"period": "2026-04", "confirm": "1"}).status_code == 302
    assert treasurer_client.post(url, {"period": "2026-04", "confirm": "1"}).status_code == 302  # a double click
    assert sum(_charges().values()) == Decimal("275.00") and len(_charges()) == 3


def test_admin_refusal_is_shown(world, treasurer_client):
    response = treasurer_client.post(reverse("billing_allocate_losses"), {"period": "2026-04"})
    assert "Распределение потерь выключено" in response.content.decode()


def test_admin_balance_report(world, treasurer_client):
    html = treasurer_client.get(reverse("billing_line_balance")).content.decode()
    assert '<th scope="row">Апрель 2026</th>' in html and 'class="balance-chart"' in html


def test_members_cannot_open_the_admin_pages(world, member_client):
    for name in ("billing_allocate_losses", "billing_line_balance"):
        assert member_client.get(reverse(name)).status_code in (302, 403)


# The main readings import


def _main_import(text, commit=True):
    return run_import(kind=Kind.MAIN_READINGS, file_name="main.csv", content=text.encode(), commit=commit)


def test_main_readings_import_by_name_or_serial(db):
    meter = MainMeter.objects.create(name="Ввод ТП-1", serial="CE-301 №77")
    report = _main_import("Счетчик;Дата;День;Ночь\nввод  тп-1;01.04.2026;1000;400\nce-301 №77;01.05.2026;1500;600\n")
    assert report.committed and report.created == 2
    assert list(meter.readings.values_list("taken_on", "day", "night", "source")) == [
        (D(2026, 4, 1), 1000, 400, "import"),
        (D(2026, 5, 1), 1500, 600, "import"),
    ]
    again = _main_import("Счетчик;Дата;День;Ночь\nВвод ТП-1;01.05.2026;1510;600\n")
    assert again.updated == 1 and meter.readings.get(taken_on=D(2026, 5, 1)).day == 1510


def test_main_readings_import_refuses_bad_rows(db):
    meter = MainMeter.objects.create(name="Ввод ТП-1")
    MainReading.objects.create(main_meter=meter, taken_on=D(2026, 4, 1), day=1000, night=0)
    report = _main_import(
        "Счетчик;Дата;День\nФидер 9;01.05.2026;10\nВвод ТП-1;01.05.2026;900\nВвод ТП-1;01.06.2026;٣٠٠٠\n"
    )
    assert not report.committed
    messages = " ".join(str(error) for error in report.errors)
    assert "общего счётчика «Фидер 9» нет" in messages
    assert "меньше предыдущего (01.04.2026)" in messages
    assert [error.row for error in report.errors] == [2, 3, 4]  # «٣٠٠٠» is not a number here
    assert meter.readings.count() == 1


def test_main_reading_typed_in_the_admin_never_goes_down(db, treasurer_client):
    meter = MainMeter.objects.create(name="Ввод ТП-1")
    MainReading.objects.create(main_meter=meter, taken_on=D(2026, 4, 1), day=1000, night=0)
    url = reverse("billing_mainreading_modeladmin_create")
    low = treasurer_client.post(url, {"main_meter": meter.pk, "taken_on": "2026-05-01", "day": "900", "night": "0"})
    assert "Показание 900 меньше предыдущего 1000 (01.04.2026)." in low.content.decode()
    ok = treasurer_client.post(url, {"main_meter": meter.pk, "taken_on": "2026-05-01", "day": "1900", "night": "0"})
    assert ok.status_code == 302
    assert meter.readings.get(taken_on=D(2026, 5, 1)).source == MainReading.Source.MANUAL
