"""«Акт сверки» in Chromium: a member signs in, opens it from «Мои данные», downloads the PDF and finds
the instruction's 4 121,45 in its text; a period that ends before it starts is refused in Russian; the
page fits a phone and a desktop with no axe-core violation. The treasurer downloads any plot's акт and
makes a batch, whose page shows the progress and the ZIP (django-q2 runs synchronously in tests)."""

import io
import zipfile

import pytest
from playwright.sync_api import expect

from members.models import PlotClaim
from tests.billing.reconciliation_data import golden_269
from tests.browser.conftest import SCREENSHOTS, log_in_to_admin
from tests.browser.test_layout import WIDTHS, audit, log_in, open_at, open_cabinet_item
from tests.browser.test_treasurer_journey import TREASURER, TREASURER_PASSWORD, open_billing_item, treasurer_group
from tests.factories import PASSWORD, PlotClaimFactory, UserFactory
from tests.members.acts import fill_settings, pdf_text

pytestmark = pytest.mark.browser


@pytest.fixture
def member_269(transactional_db, site_pages):
    fill_settings(site_pages)
    user = UserFactory(username="269", email="m269@example.org", password=PASSWORD)
    PlotClaimFactory(user=user, plot=golden_269(), status=PlotClaim.Status.CONFIRMED)
    return user


@pytest.mark.parametrize("width", WIDTHS)
def test_member_downloads_the_акт_and_the_page_fits(browser, live_server, member_269, width):
    (SCREENSHOTS / "reconciliation").mkdir(parents=True, exist_ok=True)
    context, page = open_at(browser, live_server, width)
    log_in(page, "269")
    open_cabinet_item(page, "Акт сверки")
    assert audit(page) == []
    page.screenshot(path=str(SCREENSHOTS / "reconciliation" / f"cabinet-{width}.png"), full_page=True)

    form = page.locator("form", has=page.get_by_role("button", name="Скачать акт сверки (PDF)"))
    form.get_by_label("С", exact=True).fill("2022-01-01")
    form.get_by_label("По", exact=True).fill("2022-12-31")
    with page.expect_download() as caught:
        form.get_by_role("button", name="Скачать акт сверки (PDF)").click()
    download = caught.value
    assert download.suggested_filename == "akt-sverki-269-2022-01-01-2022-12-31.pdf"
    with open(download.path(), "rb") as handle:
        text = pdf_text(handle.read())
    assert "Всего 0,00 11 321,45 7 200,00 4 121,45" in text
    assert "Электроэнергия за май 2022: T1 520, T2 217 кВт·ч 4 121,45" in text

    form.get_by_label("С", exact=True).fill("2022-06-01")
    form.get_by_label("По", exact=True).fill("2022-05-01")
    form.get_by_role("button", name="Скачать акт сверки (PDF)").click()
    expect(page.get_by_role("alert")).to_have_text("Начало периода (01.06.2022) позже его конца (01.05.2022).")
    assert audit(page) == []
    context.close()


def test_treasurer_downloads_one_акт_and_a_batch_of_them(page, live_server, member_269):
    (SCREENSHOTS / "reconciliation").mkdir(parents=True, exist_ok=True)
    golden_269(270)
    treasurer = UserFactory(username=TREASURER, email="kaznachei@example.org", password=TREASURER_PASSWORD)
    treasurer.groups.add(treasurer_group())
    log_in_to_admin(page, TREASURER, TREASURER_PASSWORD)
    open_billing_item(page, "Акты сверки")
    expect(page.locator("h1")).to_contain_text("Акты сверки")
    page.screenshot(path=str(SCREENSHOTS / "reconciliation" / "admin.png"), full_page=True)
    assert audit(page) == []

    page.get_by_label("Участок", exact=True).fill("270")
    with page.expect_download() as caught:
        page.get_by_role("button", name="Скачать акт сверки (PDF)").click()
    with open(caught.value.path(), "rb") as handle:
        assert "по участку № 270" in pdf_text(handle.read())

    page.get_by_label("Участки").fill("269, 270")
    page.get_by_role("button", name="Сделать акты сверки").click()
    expect(page.get_by_text("Готово 2 из 2 (100%)")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "reconciliation" / "batch.png"), full_page=True)
    assert audit(page) == []
    with page.expect_download() as caught:
        page.get_by_role("link", name="Скачать архив (ZIP)").click()
    with open(caught.value.path(), "rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as zipped:
        assert len(zipped.namelist()) == 2
