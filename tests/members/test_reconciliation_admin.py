"""«Акты сверки» in the admin: the treasurer's PDF of any plot (`billing_reconciliation`), refused to
editors and members; the board's batch made by the django-q2 task (sync in tests) into a private ZIP."""

import io
import zipfile
from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from members.models import ReconciliationBatch
from members.reconciliation.batch import reconciliation_batch_run
from tests.billing.reconciliation_data import golden_269
from tests.factories import PlotFactory, UserFactory
from tests.members.acts import TREASURER, fill_settings, pdf_text

pytestmark = pytest.mark.django_db
INDEX = "/admin/billing/reconciliation/"


@pytest.fixture
def plots(site_pages):
    fill_settings(site_pages)
    return golden_269(), golden_269(270), PlotFactory(number=271)  # 271: nothing on record


def pdf_url(number: int, **query) -> str:
    url = reverse("billing_reconciliation", kwargs={"number": number})
    return f"{url}?{'&'.join(f'{k}={v}' for k, v in query.items())}" if query else url


def test_the_treasurer_gets_any_plots_акт(treasurer_client, plots):
    assert pdf_url(269) == "/admin/billing/reconciliation/269.pdf"
    response = treasurer_client.get(pdf_url(269, **{"from": "2022-01-01", "to": "2022-12-31"}))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Всего 0,00 11 321,45 7 200,00 4 121,45" in text
    assert f"Казначей {TREASURER}" in text


def test_editors_members_and_staff_without_billing_rights_are_refused(client, editor, member, plots):
    staff = UserFactory(username="staff", email="", is_staff=True, groups=["Editors"])
    for user in (editor, staff):
        other = Client()
        other.force_login(user)
        for url in (pdf_url(269), INDEX):
            response = other.get(url)
            assert response.status_code == HTTPStatus.FOUND and response["Location"] == "/admin/", url
    client.force_login(member)
    response = client.get(pdf_url(269))
    assert response.status_code == HTTPStatus.FOUND and response["Location"].startswith("/accounts/login/")
    anonymous = Client().get(pdf_url(269))
    assert anonymous.status_code == HTTPStatus.FOUND and "/login/" in anonymous["Location"]


def test_no_such_plot_is_a_404_and_a_bad_period_the_page_with_the_reason(treasurer_client, plots):
    assert treasurer_client.get(pdf_url(999)).status_code == HTTPStatus.NOT_FOUND
    huge = treasurer_client.get("/admin/billing/reconciliation/99999999999.pdf", follow=True)  # the admin adds a slash
    assert huge.status_code == HTTPStatus.NOT_FOUND
    response = treasurer_client.get(pdf_url(269, **{"from": "2022-06-01", "to": "2022-05-01"}))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Начало периода (01.06.2022) позже его конца (01.05.2022)." in response.content.decode()
    response = treasurer_client.get(pdf_url(271))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "По участку 271 ещё нет ни начислений, ни платежей" in response.content.decode()


def test_the_one_plot_form_leads_to_the_pdf_or_says_why_not(treasurer_client, plots):
    page = treasurer_client.get(INDEX)
    assert page.status_code == HTTPStatus.OK and "Акт сверки одного участка" in page.content.decode()
    response = treasurer_client.get(INDEX, {"number": " 0269 ", "from": "", "to": "2022-12-31"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/admin/billing/reconciliation/269.pdf?from=2022-01-01&to=2022-12-31"
    for number, message in (("999", "Участка 999 нет в реестре."), ("２６９", "обычными цифрами 0–9")):
        response = treasurer_client.get(INDEX, {"number": number})
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert message in response.content.decode()
    response = treasurer_client.get(INDEX, {"number": "269", "from": "2021-01-01"})
    assert "Данные по участку 269 начинаются с 01.01.2022" in response.content.decode()


def start_batch(client, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(INDEX, {"numbers": "", "start": "", "end": "2022-12-31"} | data)
    return response


def test_a_batch_makes_every_акт_in_a_task_into_a_private_zip(
    treasurer_client, plots, django_capture_on_commit_callbacks
):
    response = start_batch(treasurer_client, django_capture_on_commit_callbacks)
    batch = ReconciliationBatch.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/admin/billing/reconciliation/batches/{batch.pk}/"
    assert (batch.status, batch.plot_numbers, batch.done, batch.total) == ("done", [269, 270], 2, 2)
    archive = Path(settings.RECONCILIATION_ARCHIVE_DIR) / batch.file_name
    assert archive.is_file() and Path(settings.MEDIA_ROOT) not in archive.parents

    page = treasurer_client.get(response["Location"]).content.decode()
    assert "Готово 2 из 2 (100%)" in page and 'http-equiv="refresh"' not in page
    download = reverse("billing_reconciliation_download", args=[batch.pk])
    assert f'href="{download}"' in page
    response = treasurer_client.get(download)
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Disposition"].startswith("attachment;")
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as zipped:
        names = sorted(zipped.namelist())
        assert names == ["akt-sverki-269-2022-01-01-2022-12-31.pdf", "akt-sverki-270-2022-01-01-2022-12-31.pdf"]
        assert "Всего 0,00 11 321,45 7 200,00 4 121,45" in pdf_text(zipped.read(names[0]))


def test_chosen_plots_from_a_date_and_a_plot_without_records_skipped(
    treasurer_client, plots, django_capture_on_commit_callbacks
):
    start_batch(treasurer_client, django_capture_on_commit_callbacks, numbers="271; 269", start="2022-03-01")
    batch = ReconciliationBatch.objects.get()
    assert (batch.plot_numbers, batch.skipped, batch.done, batch.status) == ([269, 271], [271], 2, "done")
    with zipfile.ZipFile(Path(settings.RECONCILIATION_ARCHIVE_DIR) / batch.file_name) as zipped:
        [name] = zipped.namelist()
        text = pdf_text(zipped.read(name))
    assert name == "akt-sverki-269-2022-03-01-2022-12-31.pdf"
    assert "Сальдо на начало периода 7 200,00" in text  # the fee charged in January, paid in June


def test_a_bad_batch_is_refused_in_russian_and_nothing_is_queued(
    treasurer_client, plots, django_capture_on_commit_callbacks
):
    for data, message in (
        ({"numbers": "269, 999"}, "Таких участков нет в реестре: 999."),
        ({"numbers": "269, уч. 5"}, "не понятно: «уч.»"),
        ({"start": "2022-12-01", "end": "2022-01-01"}, "Начало периода (01.12.2022) позже его конца (01.01.2022)."),
        ({"end": "2999-01-01"}, "ещё не наступила"),
    ):
        response = start_batch(treasurer_client, django_capture_on_commit_callbacks, **data)
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert message in response.content.decode()
    assert not ReconciliationBatch.objects.exists()


def test_a_running_batch_page_refreshes_itself_and_has_no_archive_yet(treasurer_client, plots):
    batch = ReconciliationBatch.objects.create(plot_numbers=[269, 270], end="2022-12-31", total=2, done=1)
    page = treasurer_client.get(f"/admin/billing/reconciliation/batches/{batch.pk}/").content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "Готово 1 из 2 (50%)" in page
    download = reverse("billing_reconciliation_download", args=[batch.pk])
    assert download not in page
    assert treasurer_client.get(download).status_code == HTTPStatus.NOT_FOUND


def test_the_archive_is_the_treasurers_only(client, editor, treasurer, plots, django_capture_on_commit_callbacks):
    treasurers = Client()
    treasurers.force_login(treasurer)
    start_batch(treasurers, django_capture_on_commit_callbacks, numbers="269")
    download = reverse("billing_reconciliation_download", args=[ReconciliationBatch.objects.get().pk])
    client.force_login(editor)
    response = client.get(download)
    assert response.status_code == HTTPStatus.FOUND and response["Location"] == "/admin/"
    assert "/login/" in Client().get(download)["Location"]


def test_a_failed_batch_keeps_the_reason_and_leaves_no_archive(plots, settings, tmp_path):
    batch = ReconciliationBatch.objects.create(plot_numbers=[269], end="2022-12-31", total=1)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.RECONCILIATION_ARCHIVE_DIR = blocker / "archives"
    with pytest.raises(OSError):
        reconciliation_batch_run(batch_id=batch.pk, base_url="http://testserver/")
    batch.refresh_from_db()
    assert batch.status == "failed" and batch.error and not batch.file_name


def test_archives_stay_out_of_the_media_root(plots, settings):
    from cms.settings import base

    archives, media = Path(base.RECONCILIATION_ARCHIVE_DIR).resolve(), Path(base.MEDIA_ROOT).resolve()
    assert not archives.is_relative_to(media) and not media.is_relative_to(archives)
    settings.RECONCILIATION_ARCHIVE_DIR = Path(settings.MEDIA_ROOT) / "acts"
    batch = ReconciliationBatch.objects.create(plot_numbers=[269], end="2022-12-31", total=1)
    with pytest.raises(ImproperlyConfigured):
        reconciliation_batch_run(batch_id=batch.pk, base_url="http://testserver/")
    assert ReconciliationBatch.objects.get().status == "failed"
    assert not Path(settings.MEDIA_ROOT).exists() or not any(Path(settings.MEDIA_ROOT).rglob("*.zip"))


def test_a_large_batch_goes_on_in_chunks_each_its_own_task(plots, monkeypatch):
    from members.reconciliation import batch as batches

    queued = []
    monkeypatch.setattr(batches, "CHUNK", 1)
    monkeypatch.setattr(batches, "async_task", lambda *args: queued.append(args))
    batch = ReconciliationBatch.objects.create(plot_numbers=[269, 270], end="2022-12-31", total=2)
    first = reconciliation_batch_run(batch_id=batch.pk, base_url="http://testserver/")
    assert (first.status, first.done, first.file_name) == ("running", 1, "")
    assert queued == [(batches.TASK, batch.pk, "http://testserver/")]
    again = reconciliation_batch_run(batch_id=batch.pk, base_url="http://testserver/")  # the next task
    assert (again.status, again.done, len(queued)) == ("done", 2, 1)
    with zipfile.ZipFile(Path(settings.RECONCILIATION_ARCHIVE_DIR) / again.file_name) as zipped:
        assert len(zipped.namelist()) == 2
    assert reconciliation_batch_run(batch_id=batch.pk, base_url="http://testserver/").done == 2  # delivered twice
