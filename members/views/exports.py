"""The member's own readings as CSV or XLSX, in the columns of the treasurer's readings import, and
whether a reading is the member's own or an estimate («Показание»: empty for one from the file)."""

import tablib
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from billing.selectors import plot_readings_rows
from billing.services.imports import csv_safe
from members.selectors import cabinet_plots
from members.views import member_required

HEADERS = ("Участок", "Дата", "День", "Ночь", "Счетчик", "Показание")  # the import ignores the last column
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def readings_dataset(*, plot_ids: list[int]) -> tablib.Dataset:
    """Text cells neutralised against formula injection; numbers and dates stay typed."""
    dataset = tablib.Dataset(headers=list(HEADERS), title="Показания")
    for row in plot_readings_rows(plot_ids=plot_ids):
        dataset.append(
            (row.plot_number, row.taken_on, row.day, row.night, csv_safe(row.meter_serial), row.source_label)
        )
    return dataset


@require_safe
@member_required
def electricity_export(request: HttpRequest, format: str) -> HttpResponse:
    if format not in CONTENT_TYPES:
        raise Http404
    plots = cabinet_plots(user=request.user)
    dataset = readings_dataset(plot_ids=plots.plot_ids)
    if format == "csv":
        for index, row in enumerate(dataset):
            dataset[index] = (*row[:1], row[1].strftime("%d.%m.%Y"), *row[2:])
        # BOM and semicolons: what a Russian Excel opens without an import wizard
        content: bytes | str = "\ufeff" + dataset.export("csv", delimiter=";")
    else:
        content = dataset.export("xlsx")
    response = HttpResponse(content, content_type=CONTENT_TYPES[format])
    response["Content-Disposition"] = f'attachment; filename="pokazaniya.{format}"'
    return response
