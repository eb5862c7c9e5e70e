"""The line balance for 3,000 plots × 10 years of monthly readings (issue 14, «Speed»).

- the selector's queries are the same for 300 and 3,000 plots: three (the settings, the main
  meters' readings, the plots' monthly sums), after writes as before them;
- the public page «Баланс электроэнергии» without the page cache ≤ 2× a ContentPage likewise, both
  rendered in the same run, taken in turns (the median of ROUNDS requests after a warm-up), logged out.

What is measured, honestly: the page reads the plots' monthly sums (LineBalanceMonth), which are
data, not a cache: every write of readings, meters or feeders keeps them in its own transaction
(billing.line_sums), and the page never sums on read. The history here is written in bulk and
summed once by the recovery rebuild (printed: its time); the cost moves to the writes, so a single
reading saved (as the admin or an accepted member's reading does) is timed too, and the page is
measured after it. The readings import's cost is in bench_imports.
"""

import datetime
import statistics
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.line_balance import line_balance
from billing.line_sums import rebuild
from billing.models import LineBalancePage, LineSettings, MainMeter, MainReading, Meter, Plot, Reading
from home.models import ContentPage
from tests.home.factories import make_home, publish
from tests.perf.pages import medians_ms

pytestmark = pytest.mark.django_db

PLOTS = 3_000
MONTHS = 120  # 10 years
ROUNDS = 21
DATES = [datetime.date(2016 + n // 12, n % 12 + 1, 1) for n in range(MONTHS + 1)]


def _history(numbers: range) -> None:
    """Monthly readings of two-zone meters (120 a meter), every tenth month an estimate, and a main
    meter «на вводе» counting 8 % more than the plots."""
    plots = Plot.objects.bulk_create(Plot(number=n, street="1", area=Decimal("7.20")) for n in numbers)
    meters = Meter.objects.bulk_create(Meter(plot=p, kind=Meter.Kind.TWO_ZONE, serial=f"S{p.number}") for p in plots)
    Reading.objects.bulk_create(
        (
            Reading(
                meter=m,
                taken_on=d,
                day=150 * n + m.pk % 7,
                night=60 * n,
                source=Reading.Source.ESTIMATE if n % 10 == 9 else Reading.Source.IMPORT,
            )
            for m in meters
            for n, d in enumerate(DATES)
        ),
        batch_size=5000,
    )
    transformer, _ = MainMeter.objects.get_or_create(name="Ввод ТП-1", kind=MainMeter.Kind.TRANSFORMER)
    MainReading.objects.filter(main_meter=transformer).delete()
    total = Plot.objects.count()
    MainReading.objects.bulk_create(
        MainReading(main_meter=transformer, taken_on=d, day=int(210 * n * total * 1.08), night=0)
        for n, d in enumerate(DATES)
    )


def _queries() -> tuple[int, int]:
    """Queries of the selector before and after a reading is saved (which keeps the sums itself)."""
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            balance = line_balance(months=24)
        assert len(balance.rows) == 24
        counts.append(len(captured))
        _save_one()
    return counts[0], counts[1]


def _save_one() -> float:
    """Save (the admin's way) the newest reading of the first meter one kWh higher: its ms."""
    reading = Reading.objects.filter(meter__plot__number=1).order_by("-taken_on").first()
    reading.day += 1
    started = time.perf_counter()
    reading.save()
    return (time.perf_counter() - started) * 1000


def test_line_balance_for_3000_plots_over_10_years(client, settings, targets):
    settings.PAGE_CACHE = settings.CABINET_CACHE = False
    LineSettings.objects.create(supplier_price=Decimal("5.50"))
    _history(range(1, 301))
    rebuild()
    small = _queries()
    _history(range(301, PLOTS + 1))
    started = time.perf_counter()
    rebuild()  # the history was written in bulk: summed once, as the recovery command does
    rebuild_ms = (time.perf_counter() - started) * 1000
    big = _queries()
    assert Reading.objects.count() == PLOTS * (MONTHS + 1)

    save_ms = statistics.median(_save_one() for _ in range(ROUNDS))
    started = time.perf_counter()
    balance = line_balance(months=24)
    read_ms = (time.perf_counter() - started) * 1000
    newest = balance.rows[0]
    assert newest.plots.plots == PLOTS and newest.main_kwh > newest.plots.kwh
    assert newest.loss_percent is not None and Decimal("6") < newest.loss_percent < Decimal("9")

    home = make_home()
    content = publish(
        home,
        ContentPage(
            title="Устав",
            slug="ustav",
            intro="Устав товарищества",
            body=[("heading", "Общие положения"), ("paragraph", "<p>Товарищество создано садоводами.</p>" * 20)],
        ),
    )
    page = publish(home, LineBalancePage(title="Баланс электроэнергии", slug="balans"))
    assert b"balance-chart" in client.get(page.url).content
    _save_one()  # the page is measured after a write, which a cache would have to redo
    content_ms, page_ms = medians_ms(client, [content.url, page.url], ROUNDS)
    print(
        f"\nline balance, {PLOTS} plots × {MONTHS} months: the selector {read_ms:.1f} ms ({big[0]} queries, "
        f"{big[1]} after a reading saved); a reading saved with its sums {save_ms:.1f} ms (median); "
        f"rebuild from scratch {rebuild_ms:.0f} ms; "
        f"ContentPage {content_ms:.1f} ms, «Баланс электроэнергии» {page_ms:.1f} ms"
    )
    assert big == small == (3, 3), (small, big)
    targets.check("line balance queries, 3,000 / 300 plots", big[0] / small[0], 1)
    targets.check("line balance queries after a write, 3,000 / 300 plots", big[1] / small[1], 1)
    targets.check("uncached «Баланс электроэнергии» / ContentPage", page_ms / content_ms, 2)
    targets.assert_met()
