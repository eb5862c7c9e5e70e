"""Helpers of the акт сверки tests: the partnership's requisites and board in the site settings, and
the PDF's text layer as one line of words (pypdf; non-breaking spaces as spaces)."""

import io

from pypdf import PdfReader

BANK = {
    "bank_recipient": "СНТ «Тестовое»",
    "bank_inn": "5012345678",
    "bank_kpp": "501201001",
    "bank_account": "40703810000000000001",
    "bank_name": "ПАО Тестбанк",
    "bank_bic": "044525225",
    "bank_corr_account": "30101810400000000225",
}
CHAIRMAN, TREASURER = "Иванов Сергей Петрович", "Смирнова Ольга Николаевна"


def fill_settings(site_pages) -> None:
    """The test site's settings with bank details, the board's names and the feedback form chosen."""
    settings = site_pages.settings
    for name, value in BANK.items():
        setattr(settings, name, value)
    settings.chairman_name, settings.treasurer_name = CHAIRMAN, TREASURER
    settings.contact_page = site_pages.contact
    settings.save()


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.replace("\xa0", " ").split())
