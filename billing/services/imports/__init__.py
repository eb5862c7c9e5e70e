"""The treasurer's imports: plots, readings, charges and payments from CSV or XLSX files.

One importer class per kind (base.Importer), listed in registry.IMPORTERS; run_import runs them."""

from .base import FileRow, Importer
from .registry import IMPORTERS
from .report import ImportReport, PreviewRow, RowError, csv_safe
from .run import HEADERS, Kind, example_file, run_import
from .tables import MAX_UPLOAD_BYTES, MAX_XLSX_UNCOMPRESSED_BYTES

__all__ = [
    "HEADERS",
    "IMPORTERS",
    "MAX_UPLOAD_BYTES",
    "MAX_XLSX_UNCOMPRESSED_BYTES",
    "FileRow",
    "ImportReport",
    "Importer",
    "Kind",
    "PreviewRow",
    "RowError",
    "csv_safe",
    "example_file",
    "run_import",
]
