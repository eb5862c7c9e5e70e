"""«Копии документов» in Chromium: a member asks for a protocol at a phone's 390 px and a desktop's
1280 px; the secretary answers in «Запросы документов» with a PDF and the fee; the member gets the
letter and downloads the file from the cabinet. No page scrolls sideways or has an axe-core violation."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from playwright.sync_api import expect

from members.meetings.models import DocumentRequest, Person
from tests.browser.conftest import SCREENSHOTS, log_in_to_admin
from tests.browser.test_layout import WIDTHS, audit, log_in, open_at, open_cabinet_item
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser

SECRETARY, SECRETARY_PASSWORD = "sekretar", "Sekretar-2024x"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def secretary_group() -> Group:
    """«Секретарь правления» as meetings 0002 and 0005 build it (a transactional test's flush drops
    migration data; the permissions themselves come back with the flush's post_migrate)."""
    group, _ = Group.objects.get_or_create(name="Секретарь правления")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="meetings", codename__in=["answer_documentrequest", "view_documentrequest"]
        ),
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
    )
    return group


@pytest.fixture
def member_269(transactional_db, site_pages):
    user = UserFactory(username="269", email="m269@example.org", password=PASSWORD)
    Person.objects.create(full_name="Иванов Иван Иванович", member_since=datetime.date(2015, 6, 1), user=user)
    return user


@pytest.mark.parametrize("width", WIDTHS)
def test_a_member_asks_the_secretary_answers_the_member_downloads(browser, live_server, member_269, width, tmp_path):
    (SCREENSHOTS / "documents").mkdir(parents=True, exist_ok=True)
    context, page = open_at(browser, live_server, width)
    log_in(page, "269")
    open_cabinet_item(page, "Копии документов")
    expect(page.get_by_text("Вы ещё не запрашивали копии документов.")).to_be_visible()
    assert audit(page) == []
    page.get_by_label("Протоколы общих собраний членов товарищества").check()
    page.get_by_role("button", name="Отправить запрос").click()
    expect(page.get_by_role("alert").first).to_contain_text("Уточните, какие именно документы нужны")
    assert audit(page) == []
    page.get_by_label("Какие именно").fill("протокол общего собрания от 20.05.2024")
    page.get_by_role("button", name="Отправить запрос").click()
    found = DocumentRequest.objects.get()
    expect(page.get_by_text(f"Запрос № {found.pk} отправлен правлению.")).to_be_visible()
    expect(page.locator(".document-request")).to_contain_text("принят, готовится ответ")
    assert audit(page) == []
    page.screenshot(path=str(SCREENSHOTS / "documents" / f"asked-{width}.png"), full_page=True)
    context.close()

    secretary = UserFactory(username=SECRETARY, email="sekretar@example.org", password=SECRETARY_PASSWORD)
    secretary.groups.add(secretary_group())
    context, page = open_at(browser, live_server, 1280)
    log_in_to_admin(page, SECRETARY, SECRETARY_PASSWORD)
    page.locator("#wagtail-sidebar").get_by_role("link", name="Запросы документов").click()
    row = page.locator("tr", has=page.get_by_text("Иванов Иван Иванович"))
    expect(row).to_contain_text((found.due_on).strftime("%d.%m.%Y"))
    assert audit(page) == []
    row.get_by_role("link", name=f"№ {found.pk}").click()
    protocol = tmp_path / "Протокол 20.05.2024.pdf"
    protocol.write_bytes(PDF)
    page.get_by_label("Копии документов").set_input_files(str(protocol))
    page.get_by_label("Плата за копии, ₽").fill("120,00")
    page.get_by_role("button", name="Отправить ответ садоводу").click()
    expect(page.get_by_text(f"Ответ на запрос № {found.pk} отправлен садоводу.")).to_be_visible()
    assert audit(page) == []
    page.screenshot(path=str(SCREENSHOTS / "documents" / f"answered-admin-{width}.png"), full_page=True)
    context.close()
    (letter,) = [letter for letter in mail.outbox if letter.to == ["m269@example.org"]]
    assert "/cabinet/documents/" in letter.body

    context, page = open_at(browser, live_server, width)
    log_in(page, "269")
    page.goto("/cabinet/documents/")
    card = page.locator(".document-request")
    expect(card).to_contain_text("ответ готов")
    expect(card).to_contain_text("120,00 ₽")
    with page.expect_download() as download:
        card.get_by_role("link", name="Протокол 20.05.2024.pdf").click()
    assert download.value.suggested_filename == "Протокол 20.05.2024.pdf"
    assert audit(page) == []
    page.screenshot(path=str(SCREENSHOTS / "documents" / f"downloaded-{width}.png"), full_page=True)
    context.close()
    mail.outbox.clear()
