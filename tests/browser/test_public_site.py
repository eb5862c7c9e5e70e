import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

MENU = [
    ("Объявления", "Объявления", "announcements"),
    ("Устав", "Устав", "ustav"),
    ("Правление", "Правление", "pravlenie"),
    ("Финансы", "Финансы", "finansy"),
    ("Контакты", "Контакты", "kontakty"),
    ("Помощь", "Помощь", "pomoshch"),
]


def main_menu(page):
    return page.get_by_role("navigation", name="Главное меню")


def test_visitor_walks_the_menu(page, live_server, site_pages, screenshot):
    page.goto("/")
    expect(page.locator("h1")).to_have_text("СНТ «Тестовое»")
    expect(page.locator(".brand__tagline")).to_have_text("Официальный сайт тестового СНТ")
    items = main_menu(page).locator(".main-nav__list > li")
    expect(items).to_have_count(7)
    labels = [text.strip() for text in items.locator(":scope > a, :scope summary").all_inner_texts()]
    assert labels == ["Объявления", "Устав", "Правление", "Финансы", "Контакты", "Мои данные", "Помощь"]
    assert screenshot(page, "home").stat().st_size > 0

    for label, heading, name in MENU:
        main_menu(page).get_by_role("link", name=label, exact=True).click()
        expect(page.locator("h1")).to_have_text(heading)
        expect(main_menu(page).get_by_role("link", name=label, exact=True)).to_have_attribute("aria-current", "page")
        screenshot(page, name)

    main_menu(page).get_by_text("Мои данные").click()
    login = main_menu(page).get_by_role("link", name="Войти", exact=True)
    expect(login).to_be_visible()
    expect(main_menu(page).get_by_role("link", name="Зарегистрироваться", exact=True)).to_be_visible()
    login.click()
    expect(page).to_have_url(live_server.url + "/accounts/login/")


def test_feedback_form_in_the_browser(page, site_pages, screenshot):
    page.goto(site_pages.contact.url)
    page.get_by_label("Ваше имя").fill("Иван Петров")
    page.get_by_label("Электронная почта").fill("ivan@example.org")
    page.get_by_label("Номер участка").fill("269")
    page.get_by_label("Сообщение").fill("Нет данных по участку.")
    page.get_by_role("button", name="Отправить").click()
    expect(page.get_by_role("status")).to_contain_text("Спасибо")
    screenshot(page, "contact-sent")


def test_phone_width(page, site_pages, screenshot):
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto("/")
    expect(page.locator("h1")).to_have_text("СНТ «Тестовое»")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    expect(main_menu(page).get_by_role("link", name="Помощь", exact=True)).to_be_visible()
    screenshot(page, "home-phone")
    page.goto(site_pages.finance.url)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "finansy-phone")


def test_skip_link_moves_focus_to_the_content(page, site_pages):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Перейти к содержанию")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()


def test_my_data_dropdown_closes_on_escape_and_outside_click(page, site_pages):
    page.goto("/")
    dropdown = main_menu(page).locator("details.dropdown")
    main_menu(page).get_by_text("Мои данные").click()
    expect(dropdown).to_have_attribute("open", "")
    page.keyboard.press("Escape")
    expect(dropdown).not_to_have_attribute("open", "")
    main_menu(page).get_by_text("Мои данные").click()
    page.locator("h1").click()
    expect(dropdown).not_to_have_attribute("open", "")
