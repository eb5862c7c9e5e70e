"""The cabinet's two money pages against a plain ContentPage, and the ContentPage against the
framework's floor (a trivial view behind the same middleware and login), all rendered in the
same run with the page caches off: ContentPage ≤ 3× the floor, each cabinet page ≤ 2× the
ContentPage, for 1 plot × 3 months and 5 plots × 60 months. The cache benches are kept apart,
labelled as such: they measure a cache hit, not a render.

`make bench` runs it. The time is the test client's round trip through the whole stack
(middleware, session, templates), the median of ROUNDS requests after a warm-up, the pages
taken in turns.
"""

import datetime
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from billing.models import Article, Charge, Meter, Payment, Plot, Reading
from home.models import ContentPage
from tests.factories import TariffFactory
from tests.home.factories import make_home, publish
from tests.members.cabinet_data import confirm
from tests.perf.load.server import BASELINE_PATH
from tests.perf.pages import medians_ms

pytestmark = pytest.mark.django_db

ROUNDS = 21
PLOTS, MONTHS = 5, 60
SIZES = [(1, 3), (PLOTS, MONTHS)]


def _history(user, plots: int = PLOTS, months: int = MONTHS) -> None:
    electricity = Article.objects.create(name="Электроэнергия", kind=Article.Kind.ELECTRICITY)
    membership = Article.objects.create(name="Членские взносы", kind=Article.Kind.MEMBERSHIP)
    plot_count = plots
    plots = Plot.objects.bulk_create(Plot(number=400 + n, street="5", area=Decimal("7.20")) for n in range(plot_count))
    meters = Meter.objects.bulk_create(Meter(plot=p, kind=Meter.Kind.TWO_ZONE, serial=f"S{p.number}") for p in plots)
    dates = [datetime.date(2017 + n // 12, n % 12 + 1, 1) for n in range(months + 1)]
    Reading.objects.bulk_create(
        Reading(meter=m, taken_on=d, day=300 * n + m.pk, night=120 * n) for m in meters for n, d in enumerate(dates)
    )
    Payment.objects.bulk_create(
        Payment(plot=p, article=electricity, paid_on=d, amount=Decimal("1500.00")) for p in plots for d in dates
    )
    Charge.objects.bulk_create(
        Charge(plot=p, article=membership, amount=Decimal("7200.00"), accrued_on=datetime.date(2017 + y, 1, 1))
        for p in plots
        for y in range(5)
    )
    confirm(user, *plots)


def _member_and_page(plots: int, months: int):
    home = make_home()
    page = publish(
        home,
        ContentPage(
            title="Устав",
            slug="ustav",
            intro="Устав товарищества",
            body=[("heading", "Общие положения"), ("paragraph", "<p>Товарищество создано садоводами.</p>" * 20)],
        ),
    )
    TariffFactory(valid_from=datetime.date(2010, 1, 1))  # every period has its costs
    member = get_user_model().objects.create_user(username="400", email="bench@example.org", password="Bench-2024")
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    _history(member, plots, months)
    return member, page


@pytest.mark.parametrize(("plots", "months"), SIZES, ids=lambda value: str(value))
def test_uncached_pages_against_the_floor(client, settings, targets, plots, months):
    """Caches off: what `make run` serves, and production after every import."""
    settings.CABINET_CACHE = settings.PAGE_CACHE = False
    settings.ROOT_URLCONF = "tests.perf.load.urls"  # the product's URLs plus the trivial view
    member, page = _member_and_page(plots, months)
    # the content page is measured logged in too: the same header, menu and card, and a real render
    client.force_login(member)
    urls = [BASELINE_PATH, page.url, "/cabinet/payments/", "/cabinet/electricity/"]
    floor, content, payments, electricity = medians_ms(client, urls, ROUNDS)
    size = f"{plots} plot(s) × {months} months"
    print(
        f"\nuncached, {size}: floor {floor:.1f} ms, ContentPage {content:.1f} ms, "
        f"payments {payments:.1f} ms, electricity {electricity:.1f} ms"
    )
    assert client.get("/cabinet/electricity/").content.count(b'class="plot-line"') == plots * months
    targets.check(f"uncached ContentPage / floor, {size}", content / floor, 3)
    targets.check(f"uncached «Статус моих оплат» / ContentPage, {size}", payments / content, 2)
    targets.check(f"uncached «Мое электричество» / ContentPage, {size}", electricity / content, 2)
    targets.assert_met()


def test_cache_hits_within_twice_a_content_page(client, settings, targets):
    """The cache bench as before: cabinet pages served from the session cache (hits) against an
    uncached signed-in ContentPage. It measures the cache, not the render."""
    settings.CABINET_CACHE = True
    member, page = _member_and_page(PLOTS, MONTHS)
    client.force_login(member)
    floor, payments, electricity = medians_ms(
        client, [page.url, "/cabinet/payments/", "/cabinet/electricity/"], ROUNDS
    )
    html = client.get("/cabinet/electricity/").content
    rows = html.count(b'class="plot-line"')
    print(
        f"\ncache hits: ContentPage {floor:.1f} ms, payments {payments:.1f} ms, "
        f"electricity {electricity:.1f} ms ({rows} plot rows)"
    )
    assert rows == PLOTS * MONTHS
    targets.check("cache hit «Статус моих оплат», 5 × 60 / ContentPage", payments / floor, 2)
    targets.check("cache hit «Мое электричество», 5 × 60 / ContentPage", electricity / floor, 2)
    targets.assert_met()
