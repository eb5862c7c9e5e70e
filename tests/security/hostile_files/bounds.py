"""Run an import within the bounds: timed (< 10 s), then previewed again under tracemalloc for its
peak memory (≤ 10 × file size + 150 MB)."""

import datetime
import time
import tracemalloc

from billing.models import ImportBatch, Reading
from billing.services.imports import Kind, run_import

MB = 1024 * 1024
SECONDS = 10
HEADER = "Участок;Дата;День;Ночь\n".encode()


def measured_import(name: str, content: bytes, *, kind: str = Kind.READINGS, commit: bool = False):
    """run_import, timed; then its preview again under tracemalloc for the peak memory."""
    started = time.monotonic()
    report = run_import(kind=kind, file_name=name, content=content, commit=commit)
    elapsed = time.monotonic() - started
    assert elapsed < SECONDS, f"{name}: {elapsed:.1f} s"
    tracemalloc.start()
    try:
        run_import(kind=kind, file_name=name, content=content, commit=False)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak <= 10 * len(content) + 150 * MB, f"{name}: {peak / MB:.0f} MB for {len(content) / MB:.1f} MB"
    return report


def messages(report) -> list[str]:
    return [str(error) for error in report.errors]


def rejected(report) -> str:
    assert not report.ok and not report.committed
    assert not ImportBatch.objects.exists() and not Reading.objects.exists()
    return "\n".join(messages(report))


def large_readings() -> list[tuple[int, datetime.date, int, int]]:
    """10 000 readings: 1000 plots × 10 months."""
    months = [datetime.date(2020 + index // 12, 1 + index % 12, 1) for index in range(10)]
    return [
        (number, month, 1000 + index, 500 + index) for index, month in enumerate(months) for number in range(1, 1001)
    ]
