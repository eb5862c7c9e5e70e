import pytest
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Site

from home.models import SiteSettings

pytestmark = pytest.mark.django_db


def test_header_shows_name_and_tagline(client, site_pages):
    html = client.get("/").content.decode()
    header = html.split('<header class="site-header">')[1].split("</header>")[0]
    assert '<span class="brand__name">СНТ «Тестовое»</span>' in header
    assert '<span class="brand__tagline">Официальный сайт тестового СНТ</span>' in header
    assert 'href="https://vk.com/test_snt"' in header


def test_footer_shows_contacts(client, site_pages):
    html = client.get(site_pages.charter.url).content.decode()
    footer = html.split('<footer class="site-footer">')[1]
    assert "Тестовая область, д. Тестово" in footer
    assert "8 (999) 111-22-33" in footer
    assert 'href="mailto:info@test-snt.example.org"' in footer
    assert f'href="{site_pages.consent.url}"' in footer


def test_settings_changes_show_up(client, site_pages):
    site_pages.settings.full_name = "СНТ «Другое»"
    site_pages.settings.save()
    assert "СНТ «Другое»" in client.get("/").content.decode()


def test_sidebar_links_the_instruction_document(client, site_pages):
    html = client.get("/").content.decode()
    sidebar = html.split('<aside class="sidebar"')[1].split("</aside>")[0]
    document_url = site_pages.settings.instruction_document.url
    assert f'href="{document_url}">Скачать инструкцию по работе с личным кабинетом</a>' in sidebar
    assert "user-card" not in sidebar


def test_sidebar_shows_the_member_card_when_signed_in(client, site_pages, django_user_model):
    client.force_login(django_user_model.objects.create_user(username="269", password="x"))
    sidebar = client.get("/").content.decode().split('<aside class="sidebar"')[1].split("</aside>")[0]
    assert '<h2 id="user-card-title" class="user-card__name">269</h2>' in sidebar
    assert '<a href="/cabinet/">Ваша учётная запись</a>' in sidebar
    assert 'action="/accounts/logout/"' in sidebar


def test_instruction_document_is_served(client, site_pages):
    response = client.get(site_pages.settings.instruction_document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode() == "Текст инструкции"


def test_settings_defaults_for_a_new_site(site_pages):
    site = Site.objects.get(is_default_site=True)
    SiteSettings.objects.filter(site=site).delete()
    fresh = SiteSettings.for_site(site)
    assert fresh.chairman_name == fresh.treasurer_name == ""
    assert fresh.social_links == []


def test_logo_in_the_header(client, site_pages):
    site_pages.settings.logo = Image.objects.create(title="Логотип", file=get_test_image_file())
    site_pages.settings.save()
    header = client.get("/").content.decode().split('<header class="site-header">')[1].split("</header>")[0]
    assert 'class="brand__logo"' in header
    assert 'alt=""' in header  # the name next to it is the link's text
