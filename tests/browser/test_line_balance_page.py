"""«Баланс электроэнергии» in Chromium: the public page's table and chart fit a phone and a desktop
with no axe-core violation, and show the month's loss a visitor reads."""

import pytest
from playwright.sync_api import expect

from billing.models import LineBalancePage
from tests.billing.test_line_balance import world  # noqa: F401 - the fixture
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_layout import WIDTHS, audit, open_at

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", WIDTHS)
def test_the_line_balance_page_fits_and_passes_axe(browser, live_server, transactional_db, site_pages, world, width):  # noqa: F811
    (SCREENSHOTS / "line-balance").mkdir(parents=True, exist_ok=True)
    page_model = site_pages.home.add_child(instance=LineBalancePage(title="Баланс электроэнергии", slug="balans"))
    page_model.save_revision().publish()
    context, page = open_at(browser, live_server, width)
    page.goto(page_model.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Баланс электроэнергии")
    april = page.get_by_role("row", name="Апрель 2026")
    expect(april.first).to_be_visible()
    expect(page.locator("svg.balance-chart")).to_have_count(1)
    page.screenshot(path=str(SCREENSHOTS / "line-balance" / f"page-{width}.png"), full_page=True)
    assert audit(page) == []
    context.close()
