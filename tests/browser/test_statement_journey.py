"""The bank statement in the browser: the treasurer uploads it, acknowledges totals that do not add
up, confirms, splits a queued transfer between two plots, and undoes the statement; the public page
«Доходы и расходы» and the admin pages fit a phone and a desktop with no axe-core violation."""

import datetime
import importlib
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from billing.models import Article, BankTransaction, FinancePage, Payment
from tests.browser.test_layout import WIDTHS, audit, open_at
from tests.browser.test_treasurer_journey import TREASURER, TREASURER_PASSWORD, log_in, treasurer_group
from tests.factories import ArticleFactory, PlotFactory, UserFactory

pytestmark = pytest.mark.browser

SAMPLE = Path(__file__).resolve().parents[1] / "files" / "statements" / "anikino-2022-05.txt"


def statement_file(tmp_path) -> str:
    """May's statement with Petrova's transfer naming no plot, and a total the bank got wrong."""
    text = SAMPLE.read_bytes().decode("cp1251")
    text = text.replace("Членский взнос за 2022 г., уч. 270.", "Членские взносы за 2022 г.")
    text = text.replace("ВсегоСписано=3150.00", "ВсегоСписано=3100.00")
    path = tmp_path / "vypiska-mai.txt"
    path.write_bytes(text.encode("cp1251"))
    return str(path)


@pytest.fixture
def treasury(transactional_db, site_pages):
    PlotFactory(number=269)
    PlotFactory(number=270)
    ArticleFactory(name="Электроэнергия", kind=Article.Kind.ELECTRICITY)
    ArticleFactory(name="Членские взносы 2022", kind=Article.Kind.MEMBERSHIP, year=2022)
    group = treasurer_group()
    bank = importlib.import_module("billing.migrations.0004_bank_statements").TREASURER_PERMISSIONS
    codenames = [f"{action}_{model}" for model, actions in bank.items() for action in actions]
    group.permissions.add(*Permission.objects.filter(content_type__app_label="billing", codename__in=codenames))
    user = UserFactory(username=TREASURER, email="kaznachei@example.org", password=TREASURER_PASSWORD)
    user.groups.add(group)
    return site_pages


def test_statement_from_upload_to_undo(page, live_server, treasury, screenshot, tmp_path):
    shot = lambda name: screenshot(page, f"statement/{name}")  # noqa: E731
    log_in(page, live_server, shot)
    upload_and_confirm(page, tmp_path, shot)
    split_the_queued_transfer(page, shot)
    undo_the_statement(page, shot)


def upload_and_confirm(page, tmp_path, shot) -> None:
    page.goto("/admin/billing/import/statement/")
    page.get_by_label("Файл").set_input_files(statement_file(tmp_path))
    page.get_by_role("button", name="Проверить файл").click()
    expect(page.locator("[data-import-warnings]")).to_contain_text("Итог «всего списано» в выписке 3100.00 ₽")
    rows = page.locator("table.listing tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.nth(0)).to_contain_text("уч. 269: Электроэнергия 4 121,45")
    expect(rows.nth(1)).to_contain_text("на разбор")
    shot("01-preview")
    assert audit(page) == []
    page.get_by_label("Я сверил(а) выписку с банком").check()
    page.get_by_role("button", name="Подтвердить загрузку").click()
    expect(page.get_by_text("Файл «vypiska-mai.txt» загружен: новых: 4")).to_be_visible()
    assert BankTransaction.objects.count() == 4 and Payment.objects.count() == 1
    shot("02-documents")


def split_the_queued_transfer(page, shot) -> None:
    sidebar = page.locator("#wagtail-sidebar")
    sidebar.get_by_role("button", name="Бухгалтерия").click()
    sidebar.get_by_role("link", name="Неразобранные платежи").click()
    queue = page.locator("table[data-queue] tbody tr")
    expect(queue).to_have_count(1)
    expect(queue).to_contain_text("Петрова Анна Сергеевна")
    assert audit(page) == []
    queue.get_by_role("link", name="Разнести").click()
    page.get_by_label("Участок, часть 1").fill("269")
    page.get_by_label("Статья, часть 1").select_option(label="Членские взносы 2022")
    page.get_by_label("Сумма, часть 1").fill("4100")
    page.get_by_label("Участок, часть 2").fill("270")
    page.get_by_label("Статья, часть 2").select_option(label="Членские взносы 2022")
    page.get_by_label("Сумма, часть 2").fill("4000")
    page.get_by_role("button", name="Разнести", exact=True).click()
    expect(page.locator("[data-assign-error]")).to_contain_text("Части в сумме дают 8100.00 ₽, а платёж — 8200.00 ₽")
    shot("03-split-does-not-add-up")
    assert audit(page) == []
    page.get_by_label("Сумма, часть 2").fill("4100")
    page.get_by_role("button", name="Разнести", exact=True).click()
    expect(page.get_by_text("разнесён: уч. 269, 270")).to_be_visible()
    expect(page.locator("[data-queue-empty]")).to_be_visible()
    assert sorted(Payment.objects.filter(transaction__number="77").values_list("plot__number", flat=True)) == [
        269,
        270,
    ]
    shot("04-queue-empty")


def undo_the_statement(page, shot) -> None:
    page.get_by_role("link", name="Отменить выписку").click()
    expect(page.locator("[data-undo-plan]")).to_contain_text("документов: 4 (в очереди: 0, расходов: 2); платежей: 3")
    shot("05-undo-preview")
    page.get_by_role("button", name="Отменить выписку").click()
    expect(page.get_by_text(re.compile("Выписка «vypiska-mai.txt» отменена"))).to_be_visible()
    assert BankTransaction.objects.count() == 0 and Payment.objects.count() == 0


@pytest.mark.parametrize("width", WIDTHS)
def test_the_finance_page_fits_and_passes_axe(browser, live_server, treasury, width, screenshot):
    from billing.models import BankTransaction as Document

    Document.objects.create(
        account="40703810938000012345",
        direction="out",
        kind="Платежное поручение",
        number="13",
        date=datetime.date(2022, 5, 20),
        booked_on=datetime.date(2022, 5, 20),
        amount=3000,
        recipient_name="АО «Энергосбыт»",
        status="expense",
    )
    Payment.objects.create(
        plot=PlotFactory(number=271),
        article=Article.objects.get(name="Электроэнергия"),
        paid_on=datetime.date(2022, 5, 5),
        amount=4121,
        document="",
    )
    finance = treasury.home.add_child(instance=FinancePage(title="Доходы и расходы", slug="dohody-i-rashody"))
    finance.save_revision().publish()
    context, page = open_at(browser, live_server, width)
    page.goto(finance.url)
    expect(page.locator("h2").first).to_have_text("2022 год")
    screenshot(page, f"statement/finance-{width}")
    problems = audit(page)
    context.close()
    assert problems == []
