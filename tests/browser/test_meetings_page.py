"""«Общие собрания» in Chromium: the list of meetings, a closed meeting's results and a published one's
notice fit a phone and a desktop with no axe-core violation (the layout walk's audit)."""

import pytest
from playwright.sync_api import expect

from members.meetings.models import MeetingsPage
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_layout import WIDTHS, audit, open_at
from tests.home.factories import publish
from tests.members.meetings.results_data import closed_golden, voted_meeting
from tests.members.meetings.test_public_meetings import material

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", WIDTHS)
def test_the_meetings_pages_fit_and_pass_axe(browser, live_server, transactional_db, site_pages, width):
    (SCREENSHOTS / "meetings").mkdir(parents=True, exist_ok=True)
    meetings = publish(
        site_pages.home, MeetingsPage(title="Общие собрания", slug="sobraniya", intro="Уведомления и итоги.")
    )
    closed = closed_golden()
    running = voted_meeting(title="Внеочередное общее собрание членов товарищества")
    material(running, "Проект приходно-расходной сметы на 2027 год с финансово-экономическим обоснованием")
    context, page = open_at(browser, live_server, width)
    found = {}
    for name, path in (
        ("list", meetings.url),
        ("closed", f"{meetings.url}{closed.pk}/"),
        ("notice", f"{meetings.url}{running.pk}/"),
    ):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "meetings" / f"{name}-{width}.png"), full_page=True)
        if problems := audit(page):
            found[name] = problems
    page.goto(f"{meetings.url}{closed.pk}/")
    expect(page.locator(".meeting-decision").first).to_have_text("не принято")
    with page.expect_download() as download:
        page.get_by_role("link", name="Скачать протокол собрания (PDF)").click()
    assert download.value.suggested_filename == f"protokol-sobraniya-{closed.date:%Y-%m-%d}.pdf"
    context.close()
    assert found == {}
