"""«Передать показания» in Chromium: a member opens it from «Мои данные» at a phone's 390 px and a
desktop's 1280 px, is refused a reading below the last one, sends the right one with a photo; the
treasurer accepts it in «Показания садоводов»; «Мое электричество» marks it «(с)». No page scrolls
sideways or has an axe-core violation."""

import datetime

import pytest
from playwright.sync_api import expect

from billing.models import Meter, Reading
from members.models import PlotClaim, ReadingSubmission
from tests.browser.conftest import SCREENSHOTS, log_in_to_admin
from tests.browser.test_layout import WIDTHS, audit, log_in, open_at, open_cabinet_item
from tests.browser.test_treasurer_journey import TREASURER, TREASURER_PASSWORD, open_billing_item, treasurer_group
from tests.factories import (
    PASSWORD,
    MeterFactory,
    PlotClaimFactory,
    PlotFactory,
    ReadingFactory,
    TariffFactory,
    UserFactory,
)
from tests.members.acts import fill_settings
from tests.members.readings_data import IN_WINDOW, image_bytes

pytestmark = pytest.mark.browser


@pytest.fixture
def member_269(transactional_db, site_pages, monkeypatch):
    monkeypatch.setattr("members.readings.window.today", lambda: IN_WINDOW)  # the live server runs in-process
    fill_settings(site_pages)
    TariffFactory(valid_from=datetime.date(2020, 1, 1))
    user = UserFactory(username="269", email="m269@example.org", password=PASSWORD)
    plot = PlotFactory(number=269)
    PlotClaimFactory(user=user, plot=plot, status=PlotClaim.Status.CONFIRMED)
    meter = MeterFactory(plot=plot, serial="SN-269", kind=Meter.Kind.TWO_ZONE)
    for month, (day, night) in ((10, (1200, 600)), (11, (1300, 650))):
        ReadingFactory(meter=meter, taken_on=datetime.date(2026, month, 1), day=day, night=night)
    return user


@pytest.mark.parametrize("width", WIDTHS)
def test_member_submits_and_the_treasurer_accepts(browser, live_server, member_269, width, tmp_path):
    (SCREENSHOTS / "readings").mkdir(parents=True, exist_ok=True)
    context, page = open_at(browser, live_server, width)
    log_in(page, "269")
    open_cabinet_item(page, "Передать показания")
    card = page.locator("section", has=page.get_by_role("heading", name="Участок 269, счётчик № SN-269"))
    expect(card).to_contain_text("день (T1) 1300, ночь (T2) 650")
    assert audit(page) == []

    card.get_by_label("День (T1)").fill("1250")
    card.get_by_label("Ночь (T2)").fill("660")
    card.get_by_role("button", name="Передать показание").click()
    expect(page.get_by_role("alert").first).to_contain_text(
        "День (T1) 1250 меньше последнего принятого показания 1300 от 01.11.2026."
    )
    assert audit(page) == []
    assert not ReadingSubmission.objects.exists()

    photo = tmp_path / "schetchik.jpg"
    photo.write_bytes(image_bytes("JPEG", size=(320, 240), exif=True))
    card = page.locator("section", has=page.get_by_role("heading", name="Участок 269, счётчик № SN-269"))
    card.get_by_label("День (T1)").fill("1420")
    card.get_by_label("Ночь (T2)").fill("700")
    card.get_by_label("Фото счётчика (необязательно)").set_input_files(str(photo))
    card.get_by_role("button", name="Передать показание").click()
    expect(page.get_by_text("Показание по участку 269 передано.")).to_be_visible()
    expect(card).to_contain_text("ждёт проверки")
    assert audit(page) == []
    page.screenshot(path=str(SCREENSHOTS / "readings" / f"cabinet-{width}.png"), full_page=True)
    context.close()

    treasurer = UserFactory(username=TREASURER, email="kaznachei@example.org", password=TREASURER_PASSWORD)
    treasurer.groups.add(treasurer_group())
    context, page = open_at(browser, live_server, 1280)
    log_in_to_admin(page, TREASURER, TREASURER_PASSWORD)
    open_billing_item(page, "Показания садоводов")
    expect(page.locator("h1")).to_contain_text("Показания садоводов")
    row = page.locator("tr", has=page.get_by_text("269, SN-269"))
    expect(row).to_contain_text("170")  # 2120 − 1950 kWh
    with page.expect_popup() as popup:
        row.get_by_role("link", name="открыть").click()
    assert popup.value.evaluate("document.contentType") == "image/jpeg"
    popup.value.close()
    assert audit(page) == []
    row.get_by_role("button", name="Принять").click()
    expect(page.get_by_text("Принято показаний: 1.")).to_be_visible()
    assert Reading.objects.get(taken_on=datetime.date(2026, 12, 1)).source == Reading.Source.MEMBER
    context.close()

    context, page = open_at(browser, live_server, width)
    log_in(page, "269")
    page.goto("/cabinet/electricity/")
    expect(page.locator("#electricity-legend")).to_contain_text("«(с)» после суммы — показание передал садовод")
    expect(page.locator('td[data-label="Конец, сумма"]').first).to_have_text("2120 (с)")
    assert audit(page) == []
    context.close()
    ReadingSubmission.objects.all().delete()
    Reading.objects.filter(taken_on=datetime.date(2026, 12, 1)).delete()
    treasurer.delete()
