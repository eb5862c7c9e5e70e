"""Penalty accrual for 3,000 plots × 10 years of fees and payments (issue 13, «Speed»).

Floor: a bare `bulk_create` of the same charges (30,000 fee rows), in the same run. Target: the
accrual on a date (every plot's penalties computed from its whole history, the new «Пени» rows
written) ≤ 2× the floor; again for the same date (nothing to add) likewise; the number of queries
is the same for 300 and 3,000 plots."""

import datetime
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.models import Article, Charge, Payment, PenaltyRule, Plot
from billing.services.debts.accrual import penalties_accrue

pytestmark = pytest.mark.django_db

PLOTS = 3_000
YEARS = range(2013, 2023)
ON = datetime.date(2023, 6, 30)
ROUNDS = 3


def _fees(plots: list[Plot], articles: dict[int, Article]) -> list[Charge]:
    return [
        Charge(plot=plot, article=articles[year], amount=Decimal("7200.00"), accrued_on=datetime.date(year, 1, 1))
        for plot in plots
        for year in YEARS
    ]


def _articles() -> dict[int, Article]:
    PenaltyRule.objects.create(name="Пени по уставу", rate=Decimal("0.1"), valid_from=datetime.date(2010, 1, 1))
    return {
        year: Article.objects.create(name=f"Членские взносы {year}", kind=Article.Kind.MEMBERSHIP, year=year)
        for year in YEARS
    }


def _history(numbers: range, articles: dict[int, Article]) -> list[Plot]:
    plots = Plot.objects.bulk_create(Plot(number=n, street="1", area=Decimal("7.20")) for n in numbers)
    Charge.objects.bulk_create(_fees(plots, articles), batch_size=2000)
    # each plot pays each year's fee in two parts, some of them late (after 1 July)
    Payment.objects.bulk_create(
        (
            Payment(plot=plot, article=articles[year], amount=amount, paid_on=datetime.date(year, month, 10))
            for plot in plots
            for year in YEARS
            for amount, month in ((Decimal("3600.00"), 3), (Decimal("3000.00"), 6 + plot.number % 6))
        ),
        batch_size=2000,
    )
    return plots


def _floor(plots: list[Plot], articles: dict[int, Article]) -> float:
    """A bare bulk_create of the same 30,000 fee rows (on another date, so nothing clashes), undone."""
    rows = _fees(plots, articles)
    for row in rows:
        row.accrued_on = row.accrued_on.replace(month=2)
    started = time.perf_counter()
    Charge.objects.bulk_create(rows, batch_size=2000)
    elapsed = time.perf_counter() - started
    Charge.objects.filter(accrued_on__month=2).delete()
    return elapsed


def _queries(on: datetime.date) -> int:
    with CaptureQueriesContext(connection) as queries:
        penalties_accrue(on=on, dry_run=True)
    return len(queries)


def test_penalty_accrual_against_a_bare_bulk_create(targets):
    articles = _articles()
    plots = _history(range(1, 301), articles)
    penalties_accrue(on=ON)  # so both counts read the «Пени» rows stored
    few = _queries(ON)
    plots += _history(range(301, PLOTS + 1), articles)
    floors, first, again = [], [], []
    for _ in range(ROUNDS):
        floors.append(_floor(plots, articles))
        Charge.objects.filter(article__kind=Article.Kind.PENALTY).delete()
        started = time.perf_counter()
        result = penalties_accrue(on=ON)
        first.append(time.perf_counter() - started)
        started = time.perf_counter()
        repeated = penalties_accrue(on=ON)
        again.append(time.perf_counter() - started)
    assert result.created == PLOTS and repeated.changes == []
    floor = min(floors)
    print(f"\npenalties: floor (bulk_create of {len(plots) * len(YEARS)} charges) {floor * 1000:.0f} ms")
    print(f"  accrual {min(first) * 1000:.0f} ms, again for the same date {min(again) * 1000:.0f} ms")
    targets.check("accrual / bulk_create of the charges", min(first) / floor, 2)
    targets.check("accrual again (nothing to add) / bulk_create", min(again) / floor, 2)
    targets.check("queries, 3,000 plots / 300 plots", _queries(ON) / few, 1)
    targets.assert_met()
