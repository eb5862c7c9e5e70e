"""«Выписка банка» in the admin: upload → preview → confirm, the totals warning the treasurer must
acknowledge, the wrong file type, and the list of bank documents."""

from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from billing.models import Article, BankTransaction, Payment
from tests.billing.test_admin_import import confirm, upload
from tests.factories import ArticleFactory, PlotFactory

from .test_exchange import SAMPLE, sample_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def registry():
    PlotFactory(number=269)
    PlotFactory(number=270)
    ArticleFactory(name="Электроэнергия", kind=Article.Kind.ELECTRICITY)
    ArticleFactory(name="Членские взносы 2022", kind=Article.Kind.MEMBERSHIP, year=2022)


def statement(text: str | None = None, name="выписка.txt") -> SimpleUploadedFile:
    content = SAMPLE.read_bytes() if text is None else text.encode("cp1251")
    return SimpleUploadedFile(name, content)


def test_upload_page_explains_the_format_and_offers_an_example(treasurer_client):
    html = treasurer_client.get(reverse("billing_import", args=["statement"])).content.decode()
    assert "Выписка в формате 1CClientBankExchange" in html
    assert 'accept=".txt,.csv,.xlsx"' in html
    example = treasurer_client.get(reverse("billing_import_example", args=["statement", "txt"]))
    assert example.status_code == HTTPStatus.OK
    assert example.content.startswith(b"1CClientBankExchange")


def test_preview_then_confirm_posts_the_payments(treasurer_client):
    preview = upload(treasurer_client, "statement", statement())
    html = preview.content.decode()
    assert "уч. 269: Электроэнергия 4 121,45" in html
    assert "расход: Электроэнергия поставщику" in html
    assert BankTransaction.objects.count() == 0
    response = confirm(treasurer_client, "statement", preview.context["sha256"])
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("billing_banktransaction_modeladmin_index")
    assert BankTransaction.objects.count() == 4 and Payment.objects.count() == 2
    listing = treasurer_client.get(reverse("billing_banktransaction_modeladmin_index")).content.decode()
    assert "Оплата электроэнергии по договору" in listing and "Разнесён" in listing


def test_totals_that_do_not_add_up_need_the_checkbox(treasurer_client):
    text = sample_text().replace("ВсегоСписано=3150.00", "ВсегоСписано=3100.00")
    preview = upload(treasurer_client, "statement", statement(text))
    html = preview.content.decode()
    assert "Проверьте выписку перед загрузкой." in html
    assert 'name="acknowledge"' in html and "required" in html
    sha256 = preview.context["sha256"]
    refused = confirm(treasurer_client, "statement", sha256)
    assert "отметьте, что сверили её с банком" in refused.content.decode()
    assert BankTransaction.objects.count() == 0
    preview = upload(treasurer_client, "statement", statement(text))
    treasurer_client.post(
        reverse("billing_import_confirm", args=["statement"]), {"sha256": sha256, "acknowledge": "1"}
    )
    assert BankTransaction.objects.count() == 4


def test_a_pdf_is_not_a_statement(treasurer_client):
    response = upload(treasurer_client, "statement", SimpleUploadedFile("vypiska.pdf", b"%PDF-1.4"))
    assert (
        "Загрузите файл с расширением .txt, .csv, .xlsx: выписка в формате 1CClientBankExchange («для 1С», "
        "файл .txt) или таблица банка CSV/XLSX." in response.content.decode()
    )
    assert BankTransaction.objects.count() == 0
