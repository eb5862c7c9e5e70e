"""The treasurer's imports: plots, readings, charges and payments from CSV or XLSX files."""

from .report import ImportReport, PreviewRow, RowError, csv_safe
from .run import HEADERS, Kind, example_file, run_import
from .tables import MAX_UPLOAD_BYTES, MAX_XLSX_UNCOMPRESSED_BYTES

__all__ = [
    "HEADERS",
    "MAX_UPLOAD_BYTES",
    "MAX_XLSX_UNCOMPRESSED_BYTES",
    "ImportReport",
    "Kind",
    "PreviewRow",
    "RowError",
    "csv_safe",
    "example_file",
    "run_import",
]
