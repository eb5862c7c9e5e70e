"""The treasurer's lists: search by plot number and date, filters, no N+1, read-only history."""

import datetime
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing.models import Charge, ImportBatch, Tariff
from tests.factories import (
    ArticleFactory,
    ChargeFactory,
    FeeRateFactory,
    ImportBatchFactory,
    MeterFactory,
    PaymentFactory,
    PlotFactory,
    ReadingFactory,
)

pytestmark = pytest.mark.django_db


def listed(response) -> list:
    return list(response.context["object_list"])


def test_plot_search_by_number_is_exact(treasurer_client):
    for number in (26, 126, 269, 2690):
        PlotFactory(number=number)
    response = treasurer_client.get(reverse("billing_plot_modeladmin_index"), {"q": "269"})
    assert response.status_code == HTTPStatus.OK
    assert [plot.number for plot in listed(response)] == [269]


def test_plot_search_by_street_and_owner(treasurer_client):
    PlotFactory(number=1, street="Лесная", owner_name="Иванова Мария")
    PlotFactory(number=2, street="Полевая", owner_name="Петров Иван")
    url = reverse("billing_plot_modeladmin_index")
    assert [p.number for p in listed(treasurer_client.get(url, {"q": "лесная"}))] == [1]
    assert [p.number for p in listed(treasurer_client.get(url, {"q": "Петров"}))] == [2]


def _plot_form(plot, **changes) -> dict:
    data = {
        "number": str(plot.number),
        "street": plot.street,
        "area": str(plot.area),
        "electrified": "on",
        "has_new_meter": "on",
        "cadastral_number": "",
        "owner_name": "",
        "owner_email": "",
        "owner_phone": "",
        "active": "on",
        "main_meter": "",
    }
    return data | changes


def test_the_plot_keeps_its_cadastral_number_checked_and_found_by_search(treasurer_client):
    """The cadastral number is the plot's (DESIGN: «cadastral number on Plot»), shown in the list."""
    plot = PlotFactory(number=31)
    edit = reverse("billing_plot_modeladmin_edit", args=[plot.pk])
    refused = treasurer_client.post(edit, _plot_form(plot, cadastral_number="٥٠:٢٠:٠٠١٠١٠١:٣١"))
    assert refused.status_code == HTTPStatus.OK
    assert "Кадастровый номер пишется так" in refused.content.decode()
    saved = treasurer_client.post(edit, _plot_form(plot, cadastral_number=" 50:20:0010101:31 "))
    assert saved.status_code == HTTPStatus.FOUND, saved.content.decode()[:2000]
    plot.refresh_from_db()
    assert plot.cadastral_number == "50:20:0010101:31"
    url = reverse("billing_plot_modeladmin_index")
    page = treasurer_client.get(url, {"q": "0010101:31"})
    assert [p.number for p in listed(page)] == [31]
    assert "50:20:0010101:31" in page.content.decode()


def test_payment_search_by_plot_number_and_month(treasurer_client):
    article = ArticleFactory(name="Членские взносы 2022")
    PaymentFactory(plot=PlotFactory(number=269), article=article, paid_on=datetime.date(2022, 4, 10))
    PaymentFactory(plot=PlotFactory(number=269), article=article, paid_on=datetime.date(2022, 5, 3))
    PaymentFactory(plot=PlotFactory(number=270), article=article, paid_on=datetime.date(2022, 4, 11))
    url = reverse("billing_payment_modeladmin_index")

    by_plot = listed(treasurer_client.get(url, {"q": "269"}))
    assert {(p.plot.number, p.paid_on.month) for p in by_plot} == {(269, 4), (269, 5)}

    by_month = listed(treasurer_client.get(url, {"q": "04.2022"}))
    assert {p.plot.number for p in by_month} == {269, 270}
    assert all(p.paid_on.month == 4 for p in by_month)

    by_both = listed(treasurer_client.get(url, {"q": "269 2022-05"}))
    assert [(p.plot.number, p.paid_on) for p in by_both] == [(269, datetime.date(2022, 5, 3))]

    by_day = listed(treasurer_client.get(url, {"q": "11.04.2022"}))
    assert [p.plot.number for p in by_day] == [270]


def test_readings_filter_by_month_and_search_by_plot(treasurer_client):
    meter_269 = MeterFactory(plot=PlotFactory(number=269))
    meter_270 = MeterFactory(plot=PlotFactory(number=270))
    for meter in (meter_269, meter_270):
        ReadingFactory(meter=meter, taken_on=datetime.date(2022, 5, 1), day=9012, night=2901)
        ReadingFactory(meter=meter, taken_on=datetime.date(2022, 6, 1), day=9532, night=3118)
    url = reverse("billing_reading_modeladmin_index")

    june = treasurer_client.get(url, {"month": "2022-06"})
    assert june.status_code == HTTPStatus.OK
    assert {(r.meter.plot.number, r.taken_on) for r in listed(june)} == {
        (269, datetime.date(2022, 6, 1)),
        (270, datetime.date(2022, 6, 1)),
    }
    assert "июнь 2022" in june.content.decode()

    plot = listed(treasurer_client.get(url, {"q": "270"}))
    assert {r.meter_id for r in plot} == {meter_270.pk}
    assert len(plot) == 2


def test_charge_list_shows_plot_article_and_amount(treasurer_client):
    ChargeFactory(
        plot=PlotFactory(number=269),
        article=ArticleFactory(name="Членские взносы 2022"),
        amount=Decimal("7200.00"),
        accrued_on=datetime.date(2022, 1, 1),
    )
    response = treasurer_client.get(reverse("billing_charge_modeladmin_index"), {"q": "269"})
    html = response.content.decode()
    assert "Членские взносы 2022" in html
    assert "7200" in html.replace("\xa0", "").replace(" ", "").replace(",", "").replace(".", "")


def list_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == HTTPStatus.OK
    return len(queries)


@pytest.mark.parametrize(
    ("url_name", "make_row"),
    [
        ("billing_reading_modeladmin_index", lambda n: ReadingFactory(meter=MeterFactory(plot=PlotFactory(number=n)))),
        ("billing_meter_modeladmin_index", lambda n: MeterFactory(plot=PlotFactory(number=n))),
        ("billing_charge_modeladmin_index", lambda n: ChargeFactory(plot=PlotFactory(number=n))),
        ("billing_payment_modeladmin_index", lambda n: PaymentFactory(plot=PlotFactory(number=n))),
        ("wagtailsnippets_billing_feerate:list", lambda n: FeeRateFactory()),
    ],
)
def test_lists_do_not_query_per_row(treasurer_client, url_name, make_row):
    url = reverse(url_name)
    for number in range(1, 3):
        make_row(number)
    few = list_queries(treasurer_client, url)
    for number in range(3, 13):
        make_row(number)
    many = list_queries(treasurer_client, url)
    assert many == few


def test_reading_edit_form_lists_meters_without_a_query_each(treasurer_client):
    readings = [ReadingFactory(meter=MeterFactory(plot=PlotFactory(number=n))) for n in range(1, 3)]
    url = reverse("billing_reading_modeladmin_edit", args=[readings[0].pk])
    few = list_queries(treasurer_client, url)
    for number in range(3, 13):
        MeterFactory(plot=PlotFactory(number=number))
    assert list_queries(treasurer_client, url) == few


def test_import_history_is_read_only(treasurer_client):
    batch = ImportBatchFactory(file_name="показания-май.csv")
    index = treasurer_client.get(reverse("billing_importbatch_modeladmin_index"))
    assert "показания-май.csv" in index.content.decode()
    assert reverse("billing_importbatch_modeladmin_create") not in index.content.decode()

    inspect = treasurer_client.get(reverse("billing_importbatch_modeladmin_inspect", args=[batch.pk]))
    assert inspect.status_code == HTTPStatus.OK
    assert batch.sha256 in inspect.content.decode()

    for name, args in [
        ("billing_importbatch_modeladmin_create", []),
        ("billing_importbatch_modeladmin_edit", [batch.pk]),
        ("billing_importbatch_modeladmin_delete", [batch.pk]),
    ]:
        response = treasurer_client.get(reverse(name, args=args))
        assert response.status_code == HTTPStatus.FOUND, name
        assert response["Location"] == reverse("wagtailadmin_home")


@pytest.mark.parametrize("url_name", ["billing_plot_modeladmin_index", "billing_payment_modeladmin_index"])
def test_lists_offer_the_import(treasurer_client, url_name):
    html = treasurer_client.get(reverse(url_name)).content.decode()
    assert "Импорт из файла" in html
    assert reverse("billing_import", args=[url_name.split("_")[1] + "s"]) in html


def test_meter_list_offers_no_import(treasurer_client):
    html = treasurer_client.get(reverse("billing_meter_modeladmin_index")).content.decode()
    for kind in ("plots", "readings", "charges", "payments"):
        assert reverse("billing_import", args=[kind]) not in html


def test_treasurer_adds_a_plot_through_the_admin(treasurer_client):
    response = treasurer_client.post(
        reverse("billing_plot_modeladmin_create"),
        {
            "number": "271",
            "street": "5",
            "area": "6.5",
            "electrified": "on",
            "owner_name": "",
            "owner_email": "",
            "owner_phone": "",
            "active": "on",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    listed_plots = listed(treasurer_client.get(reverse("billing_plot_modeladmin_index"), {"q": "271"}))
    assert [(p.number, p.area, p.electrified, p.has_new_meter) for p in listed_plots] == [
        (271, Decimal("6.50"), True, False)
    ]


def test_tariff_snippet_keeps_revisions(treasurer_client):
    response = treasurer_client.post(
        reverse("wagtailsnippets_billing_tariff:add"),
        {"valid_from": "2022-01-01", "single_rate": "5.93", "day_rate": "6.82", "night_rate": "2.65"},
    )
    assert response.status_code == HTTPStatus.FOUND
    tariff = Tariff.objects.get()
    assert tariff.single_rate == Decimal("5.93")
    assert tariff.latest_revision is not None

    response = treasurer_client.post(
        reverse("wagtailsnippets_billing_tariff:edit", args=[tariff.pk]),
        {"valid_from": "2022-01-01", "single_rate": "6.00", "day_rate": "6.82", "night_rate": "2.65"},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert tariff.revisions.count() == 2
    history = treasurer_client.get(reverse("wagtailsnippets_billing_tariff:history", args=[tariff.pk]))
    assert history.status_code == HTTPStatus.OK


def test_charge_list_offers_the_fee_accrual(treasurer_client):
    html = treasurer_client.get(reverse("billing_charge_modeladmin_index")).content.decode()
    assert reverse("billing_accrue") in html
    assert "Начислить взносы" in html


def test_fee_accrual_previews_then_accrues(treasurer_client):
    PlotFactory(number=269, area=Decimal("7.20"))
    PlotFactory(number=270, area=Decimal("7.20"))
    rate = FeeRateFactory(article=ArticleFactory(name="Членские взносы 2022", year=2022), rate=Decimal("1000.00"))
    url = reverse("billing_accrue")

    assert treasurer_client.get(url).status_code == HTTPStatus.OK
    preview = treasurer_client.post(url, {"year": "2022"})
    assert preview.status_code == HTTPStatus.OK
    assert preview.context["result"].created == 2
    assert "Членские взносы 2022" in preview.content.decode()
    assert not Charge.objects.exists()
    assert not ImportBatch.objects.exists()

    done = treasurer_client.post(url, {"year": "2022", "confirm": "1"})
    assert done.status_code == HTTPStatus.FOUND
    assert done["Location"] == reverse("billing_charge_modeladmin_index")
    charges = Charge.objects.filter(article=rate.article).select_related("plot")
    assert sorted((c.plot.number, c.amount) for c in charges) == [(269, Decimal("7200.00")), (270, Decimal("7200.00"))]
    batch = ImportBatch.objects.get()
    assert batch.kind == ImportBatch.Kind.ACCRUAL
    assert "Взносы начислены" in treasurer_client.get(done["Location"]).content.decode()

    treasurer_client.post(url, {"year": "2022", "confirm": "1"})
    assert Charge.objects.count() == 2
    assert ImportBatch.objects.count() == 1


def test_fee_accrual_refuses_a_bad_year(treasurer_client):
    response = treasurer_client.post(reverse("billing_accrue"), {"year": "двадцать", "confirm": "1"})
    assert response.status_code == HTTPStatus.OK
    assert "Введите год числом" in response.content.decode()
    assert not Charge.objects.exists()


def test_article_snippet_search(treasurer_client):
    ArticleFactory(name="Членские взносы 2022")
    ArticleFactory(name="Электроэнергия")
    response = treasurer_client.get(reverse("wagtailsnippets_billing_article:list"), {"q": "взносы"})
    assert response.status_code == HTTPStatus.OK
    assert [article.name for article in response.context["object_list"]] == ["Членские взносы 2022"]


def _menu_items(items: list) -> list[dict]:
    """Flatten the sidebar's menu (submenus included) as Wagtail passes it to its JavaScript."""
    flat = []
    for item in items:
        if isinstance(item, dict) and "_type" in item:
            flat.append(item)
            flat.extend(_menu_items(item.get("_args", [])))
        elif isinstance(item, list | dict):
            flat.extend(_menu_items(list(item.values()) if isinstance(item, dict) else item))
    return flat


def test_every_billing_menu_item_has_its_own_existing_icon(treasurer_client):
    import json
    from pathlib import Path

    import wagtail

    html = treasurer_client.get("/admin/").content.decode()
    props = json.loads(html.split('id="wagtail-sidebar-props" type="application/json">')[1].split("</script>")[0])
    icons_dir = Path(wagtail.__file__).parent / "admin" / "templates" / "wagtailadmin" / "icons"
    known = {path.stem for path in icons_dir.glob("*.svg")}
    entries = [item["_args"][0] for item in _menu_items(props["modules"]) if item["_type"].endswith("MenuItem")]
    labels = {
        entry["label"]: entry.get("icon_name") for entry in entries if isinstance(entry, dict) and "label" in entry
    }
    billing = [
        "Участки",
        "Показания",
        "Начисления",
        "Платежи",
        "Загрузки",
        "Импорт из файла",
        "Тарифы",
        "Статьи",
        "Ставки взносов",
    ]
    missing = [label for label in billing if label not in labels]
    assert missing == []
    assert {label: labels[label] for label in billing if labels[label] not in known} == {}
    assert len({labels[label] for label in billing}) == len(billing)


@pytest.mark.parametrize("typed", ["²", "٢٦٩", "１２３", "9" * 30])
def test_searching_and_filtering_with_odd_digits_is_no_500(treasurer_client, typed):
    PlotFactory(number=269)
    ChargeFactory()
    for kind in ("plot", "payment", "charge"):
        name = f"billing_{kind}_modeladmin_index"
        assert treasurer_client.get(reverse(name), {"q": typed}).status_code == HTTPStatus.OK
    charges = treasurer_client.get(reverse("billing_charge_modeladmin_index"), {"article": typed})
    assert charges.status_code == HTTPStatus.OK
