"""Demo registry, tariffs, readings, charges and payments, loaded through the import services."""

import datetime
from decimal import Decimal
from pathlib import Path

from django.db.models import Sum

from billing.models import Article, FeeRate, LineSettings, MainMeter, MainReading, Reading, Tariff
from billing.services.imports import Kind, run_import

DEMO_FILES = Path(__file__).resolve().parent / "files"
STATEMENT_DATE = datetime.date(2022, 4, 26)

# kind, file, as_of: the registry first, then what refers to its plots
IMPORTS = [
    (Kind.PLOTS, "plots.csv", None),
    (Kind.READINGS, "readings.csv", None),
    (Kind.CHARGES, "charges.csv", STATEMENT_DATE),
    (Kind.PAYMENTS, "payments.csv", STATEMENT_DATE),
]


def load_demo() -> None:
    """Load the demo billing data; running it twice changes nothing (files are recognised by hash)."""
    Tariff.objects.get_or_create(
        valid_from=datetime.date(2022, 1, 1),
        defaults={"single_rate": Decimal("5.93"), "day_rate": Decimal("6.82"), "night_rate": Decimal("2.65")},
    )
    membership, _ = Article.objects.get_or_create(
        name="Членские взносы 2022", defaults={"kind": Article.Kind.MEMBERSHIP, "year": 2022, "sort_order": 1}
    )
    Article.objects.get_or_create(name="Электроэнергия", defaults={"kind": Article.Kind.ELECTRICITY, "sort_order": 2})
    FeeRate.objects.get_or_create(
        article=membership,
        defaults={
            "basis": FeeRate.Basis.PER_SOTKA,
            "rate": Decimal("1000.00"),
            "accrue_on": datetime.date(2022, 1, 1),
        },
    )
    for kind, name, as_of in IMPORTS:
        report = run_import(
            kind=kind, file_name=name, content=(DEMO_FILES / name).read_bytes(), commit=True, as_of=as_of
        )
        if report.errors:
            raise RuntimeError(f"Demo file {name} is broken: " + "; ".join(str(error) for error in report.errors))
    _main_meter()


# The partnership's meter at the transformer counts this much more than the plots' meters each month.
DEMO_LOSS = {datetime.date(2022, 4, 1): Decimal("0.08"), datetime.date(2022, 5, 1): Decimal("0.07")}


def _main_meter() -> None:
    """«Ввод ТП-1» at the transformer: its readings are the plots' consumption plus 7–8 % lost on the
    lines (the balance page shows a loss of 7,4 % and 6,5 %); the supplier's price per kWh."""
    LineSettings.objects.get_or_create(pk=1, defaults={"supplier_price": Decimal("5.20")})
    meter, created = MainMeter.objects.get_or_create(
        name="Ввод ТП-1",
        defaults={"kind": MainMeter.Kind.TRANSFORMER, "serial": "CE-308 №0117452", "place": "КТП-250 у въезда"},
    )
    if not created:
        return
    totals = dict(
        Reading.objects.values("taken_on").annotate(total=Sum("day") + Sum("night")).values_list("taken_on", "total")
    )
    day = 250_000
    rows = [MainReading(main_meter=meter, taken_on=min(totals), day=day, source=MainReading.Source.IMPORT)]
    for start, loss in sorted(DEMO_LOSS.items()):
        end = datetime.date(start.year + start.month // 12, start.month % 12 + 1, 1)
        day += int((Decimal(totals[end] - totals[start]) * (1 + loss)).to_integral_value())
        rows.append(MainReading(main_meter=meter, taken_on=end, day=day, source=MainReading.Source.IMPORT))
    MainReading.objects.bulk_create(rows)
