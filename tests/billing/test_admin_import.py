"""«Импорт из файла» in the admin, end to end with the real import service and sample files:
upload → preview → confirm, and every way a confirmation must be refused."""

import datetime
import hashlib
import io
import re
from http import HTTPStatus
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from billing.admin_views import SESSION_KEY
from billing.models import ImportBatch, Payment, Plot
from billing.services.imports import HEADERS, MAX_UPLOAD_BYTES, run_import
from tests.factories import ArticleFactory, PlotFactory

pytestmark = pytest.mark.django_db

FILES = Path(__file__).resolve().parent.parent / "files"


def sample(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (FILES / name).read_bytes())


def upload(client, kind: str, file: SimpleUploadedFile, **extra):
    return client.post(reverse("billing_import", args=[kind]), {"file": file, **extra})


def confirm(client, kind: str, sha256: str):
    return client.post(reverse("billing_import_confirm", args=[kind]), {"sha256": sha256})


def pending_files() -> list[Path]:
    folder = Path(settings.IMPORTS_PENDING_DIR)
    return sorted(folder.iterdir()) if folder.exists() else []


def test_upload_page_lists_columns_and_example_files(treasurer_client):
    response = treasurer_client.get(reverse("billing_import", args=["readings"]))
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    required, optional = HEADERS["readings"]
    for header in [*required, *optional]:
        assert header in html
    assert reverse("billing_import_example", args=["readings", "csv"]) in html
    assert reverse("billing_import_example", args=["readings", "xlsx"]) in html
    assert 'name="as_of"' not in html


def test_charges_and_payments_ask_for_the_statement_date(treasurer_client):
    for kind in ("charges", "payments"):
        html = treasurer_client.get(reverse("billing_import", args=[kind])).content.decode()
        assert 'name="as_of"' in html
        assert "Данные на дату" in html


def test_import_index_links_every_kind(treasurer_client):
    html = treasurer_client.get(reverse("billing_import_index")).content.decode()
    for kind in ("plots", "readings", "charges", "payments"):
        assert reverse("billing_import", args=[kind]) in html


@pytest.mark.parametrize("kind", ["plots", "readings", "charges", "payments"])
def test_example_files_carry_the_required_headers(treasurer_client, kind):
    required, _optional = HEADERS[kind]
    csv_response = treasurer_client.get(reverse("billing_import_example", args=[kind, "csv"]))
    assert csv_response.status_code == HTTPStatus.OK
    assert "attachment" in csv_response["Content-Disposition"]
    first_line = csv_response.content.decode("utf-8-sig").splitlines()[0]
    for header in required:
        assert header.lower().replace("ё", "е") in first_line.lower().replace("ё", "е")

    xlsx_response = treasurer_client.get(reverse("billing_import_example", args=[kind, "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_response.content)).active
    headers = [str(cell.value).lower().replace("ё", "е") for cell in next(sheet.iter_rows(max_row=1))]
    for header in required:
        assert header.lower().replace("ё", "е") in headers


def test_unknown_kind_is_not_found(treasurer_client):
    assert treasurer_client.get(reverse("billing_import", args=["accrual"])).status_code == HTTPStatus.NOT_FOUND
    response = treasurer_client.get(reverse("billing_import_example", args=["plots", "exe"]))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_good_file_preview_then_confirm_writes_rows_and_batch(treasurer_client, treasurer):
    PlotFactory(number=270, street="5", area="7.20", electrified=True, has_new_meter=True)

    preview = upload(treasurer_client, "plots", sample("plots.csv"))
    assert preview.status_code == HTTPStatus.OK
    html = preview.content.decode()
    report = preview.context["report"]
    assert report.ok
    assert report.created + report.updated + report.unchanged == len(report.rows) > 0
    assert re.search(rf"Новых:\s*<strong>{report.created}</strong>", html)
    assert "Подтвердить загрузку" in html
    assert 'data-status="new"' in html
    assert not ImportBatch.objects.exists()
    assert not Plot.objects.filter(number=269).exists()
    assert len(pending_files()) == 1

    done = confirm(treasurer_client, "plots", report.sha256)
    assert done.status_code == HTTPStatus.FOUND
    assert done["Location"] == reverse("billing_plot_modeladmin_index")
    batch = ImportBatch.objects.get()
    assert (batch.kind, batch.file_name, batch.sha256) == ("plots", "plots.csv", report.sha256)
    assert batch.uploaded_by == treasurer
    assert batch.rows_created == report.created
    assert Plot.objects.get(number=269).owner_name == "Иванова Мария Петровна"
    assert pending_files() == []

    listing = treasurer_client.get(done["Location"]).content.decode()
    assert "загружен" in listing
    assert reverse("billing_importbatch_modeladmin_inspect", args=[batch.pk]) in listing

    again = confirm(treasurer_client, "plots", report.sha256)
    assert again.status_code == HTTPStatus.FOUND
    assert again["Location"] == reverse("billing_import", args=["plots"])
    assert ImportBatch.objects.count() == 1


def test_xlsx_upload_works_the_same(treasurer_client):
    preview = upload(treasurer_client, "plots", sample("plots.xlsx"))
    report = preview.context["report"]
    assert report.ok and report.created > 0
    confirm(treasurer_client, "plots", report.sha256)
    assert ImportBatch.objects.get().file_name == "plots.xlsx"
    assert Plot.objects.count() == report.created


def test_payments_keep_the_statement_date(treasurer_client):
    for number in (269, 270):
        PlotFactory(number=number)
    ArticleFactory(name="Членские взносы 2022")
    ArticleFactory(name="Электроэнергия")
    preview = upload(treasurer_client, "payments", sample("payments.csv"), as_of="2022-04-26")
    report = preview.context["report"]
    assert report.ok, report.errors
    confirm(treasurer_client, "payments", report.sha256)
    batch = ImportBatch.objects.get()
    assert batch.as_of == datetime.date(2022, 4, 26)
    assert Payment.objects.filter(batch=batch).count() == report.created > 0


def test_faulty_file_lists_errors_and_writes_nothing(treasurer_client):
    preview = upload(treasurer_client, "plots", sample("plots_faulty.csv"))
    assert preview.status_code == HTTPStatus.OK
    html = preview.content.decode()
    report = preview.context["report"]
    assert not report.ok
    assert "Подтвердить загрузку" not in html
    assert "ничего не записано" in html
    for error in report.errors:
        assert str(error) in html.replace("&quot;", '"').replace("&#x27;", "'").replace("&laquo;", "«")
    rows_named = {error.row for error in report.errors if error.row is not None}
    assert {2, 3, 4} <= rows_named
    for row in rows_named:
        assert f"Строка {row}" in html
    assert not Plot.objects.exists()
    assert not ImportBatch.objects.exists()
    assert pending_files() == []

    refused = confirm(treasurer_client, "plots", report.sha256)
    assert refused.status_code == HTTPStatus.FOUND
    assert not Plot.objects.exists()
    assert not ImportBatch.objects.exists()


def test_same_file_twice_is_reported_as_duplicate(treasurer_client):
    report = upload(treasurer_client, "plots", sample("plots.csv")).context["report"]
    confirm(treasurer_client, "plots", report.sha256)

    second = upload(treasurer_client, "plots", sample("plots.csv"))
    html = second.content.decode()
    assert second.context["report"].duplicate_of == ImportBatch.objects.get()
    assert "уже загружен" in html
    assert "Подтвердить загрузку" not in html
    assert ImportBatch.objects.count() == 1


def test_oversize_upload_is_refused(treasurer_client):
    big = SimpleUploadedFile("plots.csv", b"0" * (MAX_UPLOAD_BYTES + 1))
    response = upload(treasurer_client, "plots", big)
    assert response.status_code == HTTPStatus.OK
    assert "слишком большой" in response.content.decode()
    assert "report" not in response.context
    assert pending_files() == []


@pytest.mark.parametrize("name", ["plots.txt", "plots.xls", "plots.csv.exe", "plots"])
def test_wrong_extension_is_refused(treasurer_client, name):
    file = SimpleUploadedFile(name, (FILES / "plots.csv").read_bytes())
    response = upload(treasurer_client, "plots", file)
    assert response.status_code == HTTPStatus.OK
    message = "Загрузите файл CSV или XLSX (расширение .csv или .xlsx)."
    assert response.context["form"].errors["file"] == [message]
    assert message in response.content.decode()
    assert "report" not in response.context


def test_upload_without_a_file_is_refused(treasurer_client):
    response = treasurer_client.post(reverse("billing_import", args=["plots"]), {})
    assert "Выберите файл." in response.content.decode()


def test_confirm_without_a_preview_is_refused(client, treasurer):
    client.force_login(treasurer)
    sha256 = hashlib.sha256((FILES / "plots.csv").read_bytes()).hexdigest()
    response = confirm(client, "plots", sha256)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("billing_import", args=["plots"])
    assert not ImportBatch.objects.exists()


def test_confirm_with_another_hash_is_refused(treasurer_client):
    report = upload(treasurer_client, "plots", sample("plots.csv")).context["report"]
    response = confirm(treasurer_client, "plots", "0" * 64)
    assert response.status_code == HTTPStatus.FOUND
    assert not ImportBatch.objects.exists()
    # the pending upload is forgotten: the real hash no longer confirms either
    confirm(treasurer_client, "plots", report.sha256)
    assert not ImportBatch.objects.exists()


def test_confirm_of_another_kind_is_refused(treasurer_client):
    report = upload(treasurer_client, "plots", sample("plots.csv")).context["report"]
    response = confirm(treasurer_client, "readings", report.sha256)
    assert response.status_code == HTTPStatus.FOUND
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize(
    "entry",
    [
        {"sha256": "../../settings", "file_name": "x.csv", "as_of": ""},
        {"sha256": "a" * 64, "file_name": "../../etc/passwd", "as_of": ""},
        {"sha256": "a" * 64, "file_name": "plots.csv", "as_of": ""},
        "not a dict",
    ],
)
def test_confirm_with_a_tampered_session_is_refused(treasurer_client, entry):
    session = treasurer_client.session
    session[SESSION_KEY] = {"plots": entry}
    session.save()
    sha256 = entry["sha256"] if isinstance(entry, dict) else "a" * 64
    response = confirm(treasurer_client, "plots", sha256)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("billing_import", args=["plots"])
    assert not ImportBatch.objects.exists()


def test_confirm_refuses_a_pending_file_changed_on_disk(treasurer_client):
    report = upload(treasurer_client, "plots", sample("plots.csv")).context["report"]
    (pending,) = pending_files()
    pending.write_bytes(b"\xef\xbb\xbf\xd0\xa3\xd1\x87\xd0\xb0\xd1\x81\xd1\x82\xd0\xbe\xd0\xba\n999\n")
    response = confirm(treasurer_client, "plots", report.sha256)
    assert response.status_code == HTTPStatus.FOUND
    assert not Plot.objects.exists()
    assert not ImportBatch.objects.exists()


def test_confirm_needs_post(treasurer_client):
    response = treasurer_client.get(reverse("billing_import_confirm", args=["plots"]))
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_confirm_after_someone_else_imported_the_same_file(treasurer_client):
    report = upload(treasurer_client, "plots", sample("plots.csv")).context["report"]
    run_import(kind="plots", file_name="plots.csv", content=(FILES / "plots.csv").read_bytes(), commit=True)

    response = confirm(treasurer_client, "plots", report.sha256)
    assert response.status_code == HTTPStatus.OK
    assert "уже загружен" in response.content.decode()
    assert "Подтвердить загрузку" not in response.content.decode()
    assert ImportBatch.objects.count() == 1
    assert pending_files() == []


def test_statement_date_in_the_future_is_refused(treasurer_client):
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    response = upload(treasurer_client, "payments", sample("payments.csv"), as_of=tomorrow.isoformat())
    assert response.context["form"].errors["as_of"] == ["Дата не может быть в будущем."]
    assert "report" not in response.context


@pytest.mark.parametrize(
    ("kind", "title"),
    [("readings", "показания"), ("charges", "начисления"), ("payments", "платежи"), ("plots", "участки")],
)
def test_upload_page_names_its_kind_in_the_heading(treasurer_client, kind, title):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(treasurer_client.get(reverse("billing_import", args=[kind])).content, "html.parser")
    heading = soup.find("h1").get_text(" ", strip=True)
    assert heading.startswith("Импорт из файла:") and title in heading.lower()
