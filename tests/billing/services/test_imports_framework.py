"""A new kind of import is one importer module and one registry entry: run_import and the admin pages
give it the preview, all-or-nothing, the sha256 idempotency, the lock and the Russian row errors
without any other change. The kind here (meter serial numbers) exists only in this test."""

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from billing.models import ImportBatch, Meter
from billing.services.imports import HEADERS, run_import
from billing.services.imports.base import FileRow, Importer
from billing.services.imports.registry import IMPORTERS
from billing.services.imports.report import CHANGED, UNCHANGED, PreviewRow, changed_value
from billing.services.imports.values import RowReader
from tests.factories import MeterFactory, PlotFactory

pytestmark = pytest.mark.django_db

KIND = "serials"


@dataclass
class SerialRow(FileRow):
    number: int
    serial: str
    meter: Meter | None = None  # resolved


class SerialsImporter(Importer[SerialRow]):
    """«Участок, Номер счетчика»: the serial of each plot's current meter — a whole kind in one class."""

    kind = KIND
    label = "Номера счётчиков"
    required = ["Участок", "Счетчик"]
    model = Meter

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.to_update: list[Meter] = []

    def parse(self, reader: RowReader) -> SerialRow:
        return SerialRow(
            row=reader.row, number=reader.plot_number(), serial=reader.text("Счетчик", required=True, max_length=64)
        )

    def resolve(self, rows: list[SerialRow]) -> list[SerialRow]:
        meters = Meter.objects.filter(plot__number__in={row.number for row in rows}, removed_on__isnull=True)
        by_number = {meter.plot.number: meter for meter in meters.select_related("plot")}
        resolved = []
        for row in rows:
            row.meter = by_number.get(row.number)
            if row.meter is None:
                self.error(row.row, "Участок", f"у участка {row.number} нет счётчика.")
            else:
                resolved.append(row)
        return resolved

    def diff(self, row: SerialRow) -> PreviewRow:
        values = {"Участок": str(row.number), "Счетчик": row.serial}
        if row.meter.serial == row.serial:
            return PreviewRow(row=row.row, status=UNCHANGED, values=values)
        values["Счетчик"] = changed_value(row.serial, row.meter.serial)
        row.meter.serial = row.serial
        self.to_update.append(row.meter)
        return PreviewRow(row=row.row, status=CHANGED, values=values)

    def write(self, batch: ImportBatch) -> None:
        Meter.objects.bulk_update(self.to_update, ["serial"])


@pytest.fixture
def serials_kind(monkeypatch):
    monkeypatch.setitem(IMPORTERS, KIND, SerialsImporter)
    return {number: MeterFactory(plot=PlotFactory(number=number), serial="") for number in (269, 270)}


FILE = "Участок;Заводской номер\n269;СЕ-101\n270;\u0020СЕ-102 \n"


def _run(text: str, *, commit: bool = True):
    return run_import(kind=KIND, file_name="serials.csv", content=text.encode(), commit=commit)


def _serials() -> dict[int, str]:
    return dict(Meter.objects.values_list("plot__number", "serial"))


def test_a_registered_importer_previews_commits_and_recognises_its_file(serials_kind):
    assert HEADERS[KIND] == (["Участок", "Счетчик"], [])  # what the admin pages and the commands show
    Meter.objects.filter(plot__number=270).update(serial="СЕ-102")

    preview = _run(FILE, commit=False)
    assert [(row.row, row.status, row.values["Счетчик"]) for row in preview.rows] == [
        (2, CHANGED, "СЕ-101 (было )"),
        (3, UNCHANGED, "СЕ-102"),
    ]
    assert not preview.committed and _serials() == {269: "", 270: "СЕ-102"}

    report = _run(FILE)
    assert report.committed and (report.updated, report.unchanged) == (1, 1)
    assert _serials() == {269: "СЕ-101", 270: "СЕ-102"}
    batch = ImportBatch.objects.get(kind=KIND)
    assert (batch.rows_total, batch.rows_updated, batch.rows_unchanged) == (2, 1, 1)

    again = _run(FILE)
    assert not again.committed and again.duplicate_of == batch
    assert "Повторная загрузка ничего не изменит" in again.summary
    assert _run(FILE + "\n").unchanged == 2  # other bytes, the same rows: nothing changes


def test_a_registered_importer_rejects_the_whole_file_with_russian_row_errors(serials_kind):
    report = _run("Участок;Счетчик\n269;СЕ-101\n999;СЕ-9\n270;\nдвести;СЕ-7\n")

    assert not report.committed
    assert [str(error) for error in report.errors] == [
        "Строка 3, «Участок»: у участка 999 нет счётчика.",
        "Строка 4, «Счетчик»: пустая ячейка.",
        "Строка 5, «Участок»: не число (двести).",
    ]
    assert _serials() == {269: "", 270: ""} and not ImportBatch.objects.exists()


def test_a_registered_importer_gets_the_file_checks(serials_kind):
    report = _run("Участок\n269\n")

    assert [str(error) for error in report.errors] == ["«Счетчик»: в файле нет обязательного столбца «Счетчик»."]


def test_an_unregistered_kind_is_refused():
    with pytest.raises(ValueError, match="Unknown import kind"):
        _run(FILE)


def test_the_admin_imports_a_registered_kind_unchanged(client, serials_kind):
    treasurer = get_user_model().objects.create_user(username="kassir", password="secret-123")
    treasurer.groups.add(Group.objects.get(name="Казначей"))
    client.force_login(treasurer)
    assert "Номера счётчиков" in client.get(reverse("billing_import_index")).content.decode()

    upload = SimpleUploadedFile("serials.csv", FILE.encode())
    preview = client.post(reverse("billing_import", args=[KIND]), {"file": upload})
    assert preview.context["can_confirm"] and "СЕ-101 (было )" in preview.content.decode()
    response = client.post(reverse("billing_import_confirm", args=[KIND]), {"sha256": preview.context["sha256"]})

    assert response.url == reverse("billing_meter_modeladmin_index")
    assert _serials() == {269: "СЕ-101", 270: "СЕ-102"}
    assert ImportBatch.objects.get().uploaded_by == treasurer
