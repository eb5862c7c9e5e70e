"""The cabinet's two money pages for a member with 5 plots × 60 months against a plain
ContentPage rendered in the same run: each at most 2× the ContentPage's server time.

`make bench` runs it. The time is the test client's round trip through the whole stack
(middleware, session, templates), the median of ROUNDS requests after a warm-up, the three
pages taken in turns.
"""

import datetime
import statistics
import time
from decimal import Decimal
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from billing.models import Article, Charge, Meter, Payment, Plot, Reading
from home.models import ContentPage
from tests.factories import TariffFactory
from tests.home.factories import make_home, publish
from tests.members.cabinet_data import confirm

pytestmark = pytest.mark.django_db

ROUNDS = 21
PLOTS, MONTHS = 5, 60


def _history(user) -> None:
    electricity = Article.objects.create(name="Электроэнергия", kind=Article.Kind.ELECTRICITY)
    membership = Article.objects.create(name="Членские взносы", kind=Article.Kind.MEMBERSHIP)
    plots = Plot.objects.bulk_create(Plot(number=400 + n, street="5", area=Decimal("7.20")) for n in range(PLOTS))
    meters = Meter.objects.bulk_create(Meter(plot=p, kind=Meter.Kind.TWO_ZONE, serial=f"S{p.number}") for p in plots)
    dates = [datetime.date(2017 + n // 12, n % 12 + 1, 1) for n in range(MONTHS + 1)]
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


def _medians_ms(client, urls: list[str]) -> list[float]:
    """Requests taken in turns, so a busy moment of the machine hits every page alike."""
    for url in urls * 3:
        assert client.get(url).status_code == HTTPStatus.OK, url
    times: list[list[float]] = [[] for _ in urls]
    for _ in range(ROUNDS):
        for index, url in enumerate(urls):
            started = time.perf_counter()
            response = client.get(url)
            times[index].append(time.perf_counter() - started)
            assert response.status_code == HTTPStatus.OK
    return [statistics.median(t) * 1000 for t in times]


def test_cabinet_pages_within_twice_a_content_page(client, targets):
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
    _history(member)
    # the content page is measured logged in too: the same header, menu and card, and a real render
    # (home's page cache serves only anonymous visitors)
    client.force_login(member)

    floor, payments, electricity = _medians_ms(client, [page.url, "/cabinet/payments/", "/cabinet/electricity/"])
    html = client.get("/cabinet/electricity/").content
    rows = html.count(b'class="plot-line"')
    print(
        f"\ncabinet bench: ContentPage {floor:.1f} ms, payments {payments:.1f} ms, "
        f"electricity {electricity:.1f} ms ({rows} plot rows)"
    )
    assert rows == PLOTS * MONTHS
    targets.check("«Статус моих оплат», 5 plots × 60 months / ContentPage", payments / floor, 2)
    targets.check("«Мое электричество», 5 plots × 60 months / ContentPage", electricity / floor, 2)
    targets.assert_met()
