"""The treasurer's debtors in Chromium: «Должники» with a filter and its XLSX, then «Напоминания
должникам» from the preview to a round's log; every page fits a phone and a desktop with no
axe-core violation (django-q2 runs synchronously in tests, so the round is sent at once)."""

import datetime
from decimal import Decimal

import openpyxl
import pytest
from django.core import mail
from playwright.sync_api import expect

from billing.models import Article
from members.models import PlotClaim
from tests.browser.conftest import SCREENSHOTS, log_in_to_admin
from tests.browser.test_layout import WIDTHS, audit
from tests.browser.test_treasurer_journey import TREASURER, TREASURER_PASSWORD, treasurer_group
from tests.factories import ArticleFactory, ChargeFactory, PaymentFactory, PlotFactory, UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def debtors(transactional_db, site_pages):
    fee = ArticleFactory(name="Членские взносы 2022", kind=Article.Kind.MEMBERSHIP, year=2022)
    for number, paid in ((269, "7200.00"), (270, "1200.00"), (271, None)):
        plot = PlotFactory(number=number, owner_name=f"Садовод {number}")
        ChargeFactory(plot=plot, article=fee, amount=Decimal("7200.00"), accrued_on=datetime.date(2022, 1, 1))
        if paid:
            PaymentFactory(plot=plot, article=fee, amount=Decimal(paid), paid_on=datetime.date(2022, 3, 10))
    member = UserFactory(username="270", email="m270@example.org")
    PlotClaim.objects.create(user=member, plot_id=PlotFactory(number=270).pk, status=PlotClaim.Status.CONFIRMED)
    treasurer = UserFactory(username=TREASURER, email="kaznachei@example.org", password=TREASURER_PASSWORD)
    treasurer.groups.add(treasurer_group())


def sign_in(browser, live_server, width):
    context = browser.new_context(base_url=live_server.url, locale="ru-RU", viewport={"width": width, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    log_in_to_admin(page, TREASURER, TREASURER_PASSWORD)
    expect(page.locator("#wagtail-sidebar")).to_be_attached()
    return context, page


@pytest.mark.parametrize("width", WIDTHS)
def test_treasurer_finds_debtors_and_reminds_them(browser, live_server, debtors, width, tmp_path):
    (SCREENSHOTS / "debtors").mkdir(parents=True, exist_ok=True)
    context, page = sign_in(browser, live_server, width)
    page.goto("/admin/billing/debtors/?on=2022-12-31")
    expect(page.locator("h1")).to_contain_text("Должники")
    rows = page.locator("tr[data-plot]")
    expect(rows).to_have_count(2)
    assert rows.first.get_attribute("data-plot") == "271"  # the largest debt first
    expect(page.locator("[data-debtors-total]")).to_contain_text("должников: 2, просрочено всего 13 200,00 ₽")
    page.screenshot(path=str(SCREENSHOTS / "debtors" / f"report-{width}.png"), full_page=True)
    assert audit(page) == []

    page.get_by_label("Сумма долга от, ₽").fill("7 000")
    page.get_by_role("button", name="Показать").click()
    expect(rows).to_have_count(1)
    with page.expect_download() as caught:
        page.get_by_role("button", name="Скачать XLSX").click()
    saved = tmp_path / "debtors.xlsx"
    caught.value.save_as(saved)
    sheet = openpyxl.load_workbook(saved).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert any(row[0] == 271 and Decimal(str(row[3])) == Decimal("7200") for row in values if row), values

    page.goto("/admin/reminders/")
    page.get_by_label("Долг на дату").fill("2022-12-31")
    page.get_by_role("button", name="Предпросмотр").click()
    expect(page.locator("#reminders-plan")).to_contain_text("напоминаний 1")
    page.screenshot(path=str(SCREENSHOTS / "debtors" / f"reminders-{width}.png"), full_page=True)
    assert audit(page) == []
    page.get_by_role("button", name="Отправить напоминания (1)").click()
    expect(page.locator("tr.reminder")).to_have_count(1)
    expect(page.locator("tr.reminder")).to_contain_text("6 000,00")
    assert audit(page) == []
    assert [message.to for message in mail.outbox] == [["m270@example.org"]]
    context.close()
