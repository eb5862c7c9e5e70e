"""Demo registry, tariffs, readings, charges and payments, loaded through the import services."""

import datetime
from decimal import Decimal
from pathlib import Path

from billing.models import Article, FeeRate, Tariff
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
