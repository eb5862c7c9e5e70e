import pytest
from django.apps import apps
from django.core.management import call_command
from wagtail.models import Page, Site

from billing.models import DebtSettings
from home.models import AnnouncementPage, ContentPage, HomePage, SiteSettings

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for app in ("home", "wagtailcore", "wagtaildocs", "wagtailforms")
        for model in apps.get_app_config(app).get_models()
    }


def test_load_demo_twice_changes_nothing():
    call_command("load_demo")
    first = counts()
    call_command("load_demo")
    assert counts() == first
    assert first["home.HomePage"] == 1
    assert first["home.AnnouncementPage"] == 4


def test_demo_replaces_the_welcome_page_and_fills_settings(client):
    call_command("load_demo")
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    assert not Page.objects.filter(title__startswith="Welcome").exists()
    settings = SiteSettings.for_site(site)
    assert settings.full_name == "СНТ «Аникино»"
    assert settings.short_name == "СНТ Аникино"
    assert settings.tagline == "Официальный сайт СНТ Аникино: новости, объявления, личный кабинет!"
    assert DebtSettings.current().electricity_due_day == 5
    assert settings.instruction_document is not None
    assert AnnouncementPage.objects.filter(pinned=True).count() == 1
    consent = ContentPage.objects.get(slug="soglasie")
    assert not consent.show_in_menus
    help_html = client.get("/pomoshch/").content.decode()
    assert "Номера ваших участков" in help_html
    assert "4121.45" in help_html
    assert "The screenshot" not in help_html
    finance_html = client.get("/finansy/").content.decode()
    for rate in ("5.93", "6.82", "2.65"):
        assert rate in finance_html


def test_the_instruction_to_download_is_a_pdf_of_the_help_page(client):
    import io

    from pypdf import PdfReader

    call_command("load_demo")
    document = SiteSettings.for_site(Site.objects.get(is_default_site=True)).instruction_document
    assert document.file.name.endswith(".pdf")
    with document.file.open("rb") as handle:
        content = handle.read()
    assert content.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    text = " ".join(text.split())
    for words in ("Инструкция по работе с личным кабинетом", "Номер участка (логин)", "Зарегистрироваться", "4121.45"):
        assert words in text
    assert "\\*" not in text and "The screenshot" not in text


def test_an_older_demos_help_page_is_brought_up_to_date():
    call_command("load_demo")
    page = ContentPage.objects.get(slug="pomoshch")
    page.body = [("paragraph", "<p>Старый текст</p>")]
    page.save_revision().publish()
    call_command("load_demo")
    page.refresh_from_db()
    assert "form_preview" in [block.block_type for block in page.body]
