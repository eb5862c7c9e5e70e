"""The instruction's journey in Chromium: sign up with plot 269, confirm the email, log in,
list «269,270», see «Статус моих оплат» and «Мое электричество» with its numbers, log out."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from members.models import PlotClaim
from tests.browser.conftest import SCREENSHOTS
from tests.factories import PASSWORD
from tests.members.cabinet_data import seed_membership, seed_plot, seed_tariff

pytestmark = pytest.mark.browser

EMAIL = "sadovod269@example.org"


def main_menu(page):
    return page.get_by_role("navigation", name="Главное меню")


def open_my_data(page, item: str):
    main_menu(page).get_by_text("Мои данные").click()
    main_menu(page).get_by_role("link", name=item).click()


WITHOUT_DUE_NOTES = """cells => cells.map(cell => {
    const copy = cell.cloneNode(true);
    copy.querySelectorAll(".article-due").forEach(note => note.remove());
    return copy.textContent;
})"""


def cells(row) -> list[str]:
    """The instruction's cells of a row: the due-date notes under an article's name are left out."""
    texts = row.locator("th, td").evaluate_all(WITHOUT_DUE_NOTES)
    return [" ".join(text.replace("\xa0", " ").split()) for text in texts]


def test_new_member_sees_the_instructions_numbers(page, live_server, site_pages, screenshot):
    (SCREENSHOTS / "member").mkdir(parents=True, exist_ok=True)

    def shot(name: str) -> None:
        assert screenshot(page, f"member/{name}").stat().st_size > 0

    seed_tariff()
    plots = [seed_plot(269, owner_email=EMAIL), seed_plot(270, owner_email=EMAIL)]
    seed_membership(plots)
    sign_up_and_confirm_the_email(page, shot)
    log_in_with_the_plot_number(page, shot)
    list_both_plots(page, shot)
    see_the_payments(page, shot)
    see_the_electricity(page, shot)
    log_out(page, shot)


def sign_up_and_confirm_the_email(page, shot) -> None:
    """1. Registration; 2. the confirmation link from the letter."""
    page.goto("/accounts/signup/")
    page.locator("input[name=username]").fill("269")
    page.locator("input[name=email]").fill(EMAIL)
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.locator("input[name=consent]").check()
    shot("01-signup")
    page.locator("main").get_by_role("button", name="Зарегистрироваться").click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    shot("02-confirm-sent")

    # 2. The confirmation link from the letter
    link = re.search(r"https?://\S+(/accounts/confirm-email/\S+)", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    page.context.clear_cookies()  # opened from the mail app: a browser without the signup session
    page.goto(link.group(1))
    shot("03-confirm-email")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def log_in_with_the_plot_number(page, shot) -> None:
    """3. Log in with the plot number."""
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill("269")
    page.locator("input[name=password]").fill(PASSWORD)
    shot("04-login")
    page.locator("main").get_by_role("button", name="Войти").click()
    expect(page).to_have_url(re.compile(r"/cabinet/$"))
    expect(page.locator("h1")).to_have_text("269")
    shot("05-profile")


def list_both_plots(page, shot) -> None:
    """4. «Изменить регистрационные данные»: the plots, in one field, comma-separated."""
    open_my_data(page, "Изменить регистрационные данные")
    page.get_by_label("Номера участков").fill("269,270")
    shot("06-edit")
    page.get_by_role("button", name="Сохранить").click()
    expect(page).to_have_url(re.compile(r"/cabinet/$"))
    assert set(PlotClaim.objects.values_list("plot__number", "status")) == {(269, "confirmed"), (270, "confirmed")}


def see_the_payments(page, shot) -> None:
    """5. «Статус моих оплат от 26 апреля 2022»."""
    open_my_data(page, "Статус моих оплат от 26 апреля 2022")
    expect(page.locator("h1")).to_have_text("Статус моих оплат от 26 апреля 2022")
    for number in (269, 270):
        rows = page.locator(f"#plot-{number} tr")
        expect(rows).to_have_count(4)
        assert cells(rows.nth(2)) == ["Общая информация", "5", "Да", "Да", "7.2", "7 200,00", "0,00"]
        assert cells(rows.nth(3)) == ["Членские взносы 2022", "", "", "", "", "7 200,00", "0,00"]
    shot("07-payments")


def see_the_electricity(page, shot) -> None:
    """6. «Мое электричество», then 7. the same page on a phone."""
    open_my_data(page, "Показания моих счетчиков электричества")
    expect(page.locator("h1")).to_have_text("Мое электричество")
    body = page.locator("table.electricity-table tbody tr")
    expect(body.first).to_have_text("01 Мая 2022 года - 01 Июня 2022 года")
    may_269 = cells(body.nth(1))
    assert may_269[0] == "269"
    assert may_269[9] == "737"
    assert may_269[10] == "4370.41"
    assert may_269[13] == "4121.45"
    expect(page.locator("svg.consumption-chart")).to_have_count(2)
    shot("08-electricity")

    # 7. The same page on a phone: each plot × period is a card, nothing scrolls sideways
    page.set_viewport_size({"width": 375, "height": 812})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    wrapper = page.locator("table.electricity-table").locator("xpath=..")
    assert not wrapper.evaluate("el => el.scrollWidth > el.clientWidth")
    assert page.locator("td.cost--total").first.inner_text() == "4121.45"
    shot("09-electricity-phone")
    page.set_viewport_size({"width": 1280, "height": 900})


def log_out(page, shot) -> None:
    """8. «Выйти»."""
    main_menu(page).get_by_text("Мои данные").click()
    main_menu(page).get_by_role("button", name="Выйти").click()
    main_menu(page).get_by_text("Мои данные").click()
    expect(main_menu(page).get_by_role("link", name="Войти", exact=True)).to_be_visible()
    shot("10-logged-out")
    page.goto("/cabinet/payments/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
