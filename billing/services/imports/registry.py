"""Every kind of import file, by its ``ImportBatch.kind``: add a kind here and nowhere else.

The admin pages (billing/admin_views.py) and the import_* commands read the kinds, their
columns and their labels from this registry.
"""

from collections.abc import Callable, Iterator, Mapping
from typing import ClassVar

from billing.models import Charge, ImportBatch, Payment

from . import ledger, plots, readings
from .base import Importer
from .report import Plan


class _Planned(Importer):
    """A kind not yet ported to the steps: its old plan_* function (transitional)."""

    planner: ClassVar[Callable[..., Plan]]

    def plan(self) -> Plan:
        return type(self).planner(table=self.table, as_of=self.given_as_of, today=self.today)


class _Charges(_Planned):
    kind, label, model = ImportBatch.Kind.CHARGES, ImportBatch.Kind.CHARGES.label, Charge
    required, optional = ledger.CHARGES_REQUIRED, ledger.CHARGES_OPTIONAL
    planner = staticmethod(ledger.plan_charges)


class _Payments(_Planned):
    kind, label, model = ImportBatch.Kind.PAYMENTS, ImportBatch.Kind.PAYMENTS.label, Payment
    required, optional = ledger.PAYMENTS_REQUIRED, ledger.PAYMENTS_OPTIONAL
    planner = staticmethod(ledger.plan_payments)


IMPORTERS: dict[str, type[Importer]] = {
    importer.kind: importer
    for importer in (
        plots.PlotsImporter,
        readings.ReadingsImporter,
        _Charges,
        _Payments,
    )
}


def importer_for(kind: str) -> type[Importer]:
    """The importer of a kind; ValueError for a kind nobody registered."""
    try:
        return IMPORTERS[kind]
    except KeyError:
        raise ValueError(f"Unknown import kind: {kind!r}") from None


class _Headers(Mapping):
    """kind -> (required columns, optional columns), read from the registry as it is now."""

    def __getitem__(self, kind: str) -> tuple[list[str], list[str]]:
        importer = IMPORTERS[kind]
        return list(importer.required), list(importer.optional)

    def __iter__(self) -> Iterator[str]:
        return iter(IMPORTERS)

    def __len__(self) -> int:
        return len(IMPORTERS)


HEADERS: Mapping[str, tuple[list[str], list[str]]] = _Headers()
