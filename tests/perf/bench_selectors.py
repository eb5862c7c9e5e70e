"""Cabinet selectors on a big history against a small baseline of the same run.

`make bench` runs it. The query count must not move; the time per plot-month must not grow
with the history (a quadratic step would show as a ratio far above 1).
"""

import datetime
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.models import Article, Charge, Meter, Payment, Plot, Reading
from billing.selectors import electricity_periods, payment_status
from tests.factories import ArticleFactory, TariffFactory

pytestmark = pytest.mark.django_db

ROUNDS = 5


def _history(*, plots: int, months: int, first_number: int) -> list[int]:
    electricity = ArticleFactory(name="Электроэнергия", kind=Article.Kind.ELECTRICITY)
    membership = ArticleFactory(name="Членские взносы")
    created = Plot.objects.bulk_create(
        Plot(number=n, area=Decimal("6.00")) for n in range(first_number, first_number + plots)
    )
    meters = Meter.objects.bulk_create(Meter(plot=p) for p in created)
    dates = [datetime.date(2010 + n // 12, n % 12 + 1, 1) for n in range(months + 1)]
    Reading.objects.bulk_create(
        Reading(meter=m, taken_on=d, day=100 * n, night=40 * n) for m in meters for n, d in enumerate(dates)
    )
    Payment.objects.bulk_create(
        Payment(plot=p, article=electricity, paid_on=d, amount=Decimal("10.00")) for p in created for d in dates
    )
    Charge.objects.bulk_create(
        Charge(plot=p, article=membership, amount=Decimal("6000.00"), accrued_on=dates[0]) for p in created
    )
    return [p.pk for p in created]


def _measure(ids: list[int]) -> tuple[float, int]:
    with CaptureQueriesContext(connection) as queries:
        payment_status(plot_ids=ids)
        electricity_periods(plot_ids=ids)
    started = time.perf_counter()
    for _ in range(ROUNDS):
        payment_status(plot_ids=ids)
        electricity_periods(plot_ids=ids)
    return (time.perf_counter() - started) / ROUNDS, len(queries)


def test_selectors_scale_linearly_in_constant_queries():
    TariffFactory(valid_from=datetime.date(2000, 1, 1))
    small = _history(plots=1, months=12, first_number=1)
    big = _history(plots=20, months=120, first_number=100)

    small_time, small_queries = _measure(small)
    big_time, big_queries = _measure(big)

    per_small, per_big = small_time / 12, big_time / (20 * 120)
    print(
        f"\nselectors: 1×12 {small_time * 1000:.1f} ms, 20×120 {big_time * 1000:.1f} ms, "
        f"per plot-month ratio {per_big / per_small:.2f}, queries {small_queries}/{big_queries}"
    )
    assert big_queries == small_queries == 7
    assert per_big / per_small < 3
