"""Every kind of import file, by its ``ImportBatch.kind``: a new kind is one importer module
(see base.py) and one line here.

run_import, the admin pages (billing/admin_views.py) and the import_* commands read the kinds,
their columns and their labels from this registry.
"""

from collections.abc import Iterator, Mapping

from billing.services.statements.importer import StatementImporter

from . import charges, main_readings, payments, plots, readings
from .base import Importer

IMPORTERS: dict[str, type[Importer]] = {
    importer.kind: importer
    for importer in (
        plots.PlotsImporter,
        readings.ReadingsImporter,
        main_readings.MainReadingsImporter,
        charges.ChargesImporter,
        payments.PaymentsImporter,
        StatementImporter,
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
