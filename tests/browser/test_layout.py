"""Every public and cabinet page at a phone's 390 px and a desktop's 1280 px: nothing scrolls
sideways, axe-core finds no violation, and on a phone the amounts due are on the screen."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from billing.models import Plot
from members.meetings import voting
from members.meetings.models import DocumentRequest, DocumentRequestFile, Meeting, Ownership, Person, Vote
from tests.browser.conftest import SCREENSHOTS
from tests.factories import PASSWORD, UserFactory
from tests.members.cabinet_data import build_seed
from tests.members.meetings import world as meeting_world

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (390, 1280)
ACCOUNT_PAGES = ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/search/?query=устав"]
CABINET_PAGES = ["/cabinet/", "/cabinet/edit/", "/cabinet/payments/", "/cabinet/electricity/", "/accounts/email/"]
CABINET_PAGES += ["/accounts/password/change/", "/cabinet/phone/", "/cabinet/privacy/", "/cabinet/readings/"]
CABINET_PAGES += ["/cabinet/registry/", "/cabinet/meetings/", "/cabinet/documents/"]


def audit(page) -> list[str]:
    """Problems of the page as shown: a sideways scroll, or axe-core's violations."""
    problems = []
    scroll, width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if scroll > width:
        problems.append(f"scrolls sideways: {scroll} > {width}")
    # a message fading in (Wagtail's «success») is measured half-transparent: let finite animations end
    page.evaluate(
        "() => Promise.all(document.getAnimations()"
        ".filter(a => a.effect && a.effect.getComputedTiming().endTime !== Infinity)"
        ".map(a => a.finished.catch(() => null)))"
    )
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "async () => (await axe.run()).violations"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
    )
    return problems + violations


def open_cabinet_item(page, label: str) -> None:
    """«Мои данные» → the item, through the main menu as a member would (a phone folds it away)."""
    menu = page.get_by_role("navigation", name="Главное меню")
    toggle = page.get_by_role("button", name="Меню")
    if toggle.count() and toggle.first.is_visible():
        toggle.first.click()
    menu.get_by_text("Мои данные").click()
    menu.get_by_role("link", name=label).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(label)


def open_at(browser, live_server, width: int):
    context = browser.new_context(base_url=live_server.url, locale="ru-RU", viewport={"width": width, "height": 800})
    context.set_default_timeout(15_000)
    return context, context.new_page()


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url("**/cabinet/**")


@pytest.fixture
def member_with_data(transactional_db):
    user = UserFactory(username="269", email="m269@example.org", password=PASSWORD)
    build_seed(user)
    person = Person.objects.create(
        full_name="Иванов Иван Иванович",
        postal_address="141000, Московская обл., г. Мытищи, ул. Садовая, д. 1, кв. 1",
        email="m269@example.org",
        phone="89031234567",
        is_member=True,
        member_since=datetime.date(2015, 6, 1),
        user=user,
    )
    for plot in Plot.objects.filter(number__in=(269, 270)):
        Plot.objects.filter(pk=plot.pk).update(cadastral_number=f"50:12:0000000:1{plot.number}")
        Ownership.objects.create(person=person, plot=plot, owned_from=datetime.date(2015, 5, 1))
    answered = DocumentRequest.objects.create(
        person=person,
        requested_by=user,
        documents=["charter", "meeting_protocols", "internal"],
        which="протоколы общих собраний за 2023–2025 годы и положение о ревизионной комиссии",
        status=DocumentRequest.Status.ANSWERED,
        fee=Decimal("1250.00"),
        answer="Заверенные бумажные копии можно забрать в правлении по субботам с 10 до 14 часов.",
        answered_at=timezone.now(),
    )
    DocumentRequestFile.objects.create(
        request=answered,
        name=f"{'0' * 32}.pdf",
        title="Протокол_общего_собрания_членов_СНТ_от_20_мая_2024_года.pdf",
        size=123456,
    )
    return user


@pytest.mark.parametrize("width", WIDTHS)
def test_public_pages_fit_and_pass_axe(browser, live_server, site_pages, width):
    context, page = open_at(browser, live_server, width)
    paths = [p.url for p in (site_pages.home, *site_pages.menu_pages, site_pages.latest)] + ACCOUNT_PAGES
    found = {}
    for path in paths:
        page.goto(path)
        if problems := audit(page):
            found[path] = problems
    context.close()
    assert found == {}


@pytest.mark.parametrize("width", WIDTHS)
def test_cabinet_pages_fit_and_pass_axe(browser, live_server, site_pages, member_with_data, width):
    context, page = open_at(browser, live_server, width)
    log_in(page, "269")
    found = {}
    (SCREENSHOTS / "cabinet").mkdir(parents=True, exist_ok=True)
    for path in CABINET_PAGES:
        page.goto(path)
        name = path.strip("/").replace("/", "-")
        page.screenshot(path=str(SCREENSHOTS / "cabinet" / f"{name}-{width}.png"), full_page=True)
        if problems := audit(page):
            found[path] = problems
    context.close()
    assert found == {}


@pytest.fixture
def member_meetings(member_with_data):
    """An open mixed meeting (a vote filed online, a paper ballot entered, an item still open) and a
    closed one with its results: every state of «Собрания» the walk audits."""
    voter, secretary = member_with_data.registry_person, UserFactory(username="secretary", email="")
    items = (("budget", LONG_ITEM), ("fees", "Утвердить размер членских взносов"), ("other", "Разное"))
    open_meeting = meeting_world.published(items=items, materials_place="В правлении по субботам с 10 до 14")
    first, second, _ = open_meeting.items.all()
    voting.cast_online(open_meeting.pk, voter.pk, {first.pk: "for"})
    voting.enter_paper(open_meeting.pk, voter.pk, {second.pk: "against"}, secretary)
    closed = meeting_world.published(items=items, date=timezone.localdate() - datetime.timedelta(days=1))
    Meeting.objects.filter(pk=closed.pk).update(voting_ends=timezone.now() + datetime.timedelta(hours=1))
    voting.cast_online(closed.pk, voter.pk, {item.pk: "for" for item in closed.items.all()})
    Meeting.objects.filter(pk=closed.pk).update(voting_ends=timezone.now() - datetime.timedelta(minutes=1))
    voting.close(closed.pk, secretary)
    return open_meeting, closed


LONG_ITEM = (
    "Утвердить приходно-расходную смету товарищества на 2027 год и финансово-экономическое обоснование "
    "размера взносов (ст. 17 ч. 1 п. 17 Федерального закона № 217-ФЗ)"
)


@pytest.mark.parametrize("width", WIDTHS)
def test_meeting_pages_fit_and_pass_axe(browser, live_server, site_pages, member_meetings, width):
    open_meeting, closed = member_meetings
    context, page = open_at(browser, live_server, width)
    log_in(page, "269")
    found = {}
    for name, path in (
        ("list", "/cabinet/meetings/"),
        ("open", f"/cabinet/meetings/{open_meeting.pk}/"),
        ("closed", f"/cabinet/meetings/{closed.pk}/"),
    ):
        page.goto(path)
        page.screenshot(path=str(SCREENSHOTS / "cabinet" / f"meetings-{name}-{width}.png"), full_page=True)
        if problems := audit(page):
            found[path] = problems
    context.close()
    assert found == {}


def test_the_ballot_is_a_card_per_item_with_large_targets_on_a_phone(
    browser, live_server, site_pages, member_meetings
):
    open_meeting, _ = member_meetings
    context, page = open_at(browser, live_server, 390)
    log_in(page, "269")
    open_cabinet_item(page, "Собрания")
    page.get_by_role("link", name="Повестка и бюллетень").click()
    cards = page.locator("form.ballot .ballot-item")
    assert cards.count() == 3  # one per item, the paper ballot's as a card without radios
    choices = page.locator("form.ballot label.ballot-choice")
    assert choices.count() == 6  # items 1 and 3; item 2 is fixed by the paper ballot
    for index in range(choices.count()):
        box = choices.nth(index).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 280, box  # a whole row of the card: a finger hits it
    assert page.get_by_text("Учтён бумажный бюллетень: «против»").is_visible()
    page.get_by_role("group", name="Вопрос 3. Разное").get_by_text("воздержался").click()
    page.get_by_role("button", name="Сохранить изменения").click()
    expect(page.get_by_text("Голос учтён")).to_be_visible()
    assert sorted(Vote.objects.filter(meeting=open_meeting).values_list("choice", "source")) == [
        ("abstained", "online"),
        ("against", "paper"),
        ("for", "online"),
    ]
    context.close()


def test_amounts_due_are_on_a_phones_screen(browser, live_server, site_pages, member_with_data):
    context, page = open_at(browser, live_server, 390)
    log_in(page, "269")
    outside = []
    for path, selector, expected in (
        ("/cabinet/payments/", ".payment-table td.due", "7 200,00"),
        ("/cabinet/electricity/", ".electricity-table td.cost--total", "4121.45"),
    ):
        page.goto(path)
        cells = page.locator(selector)
        assert expected in " ".join(cells.all_inner_texts()).replace("\xa0", " ")
        for index in range(cells.count()):
            box = cells.nth(index).bounding_box()
            if box is None or box["x"] < 0 or box["x"] + box["width"] > 390:
                outside.append((path, index, box))
    context.close()
    assert outside == []


def test_the_edit_form_is_styled_for_a_finger(browser, live_server, site_pages, member_with_data):
    context, page = open_at(browser, live_server, 390)
    log_in(page, "269")
    page.goto("/cabinet/edit/")
    sizes = page.eval_on_selector_all(
        "form input[type=radio], form input[type=checkbox]", "els => els.map(e => e.getBoundingClientRect().width)"
    )
    assert sizes and min(sizes) >= 20  # not the browser's 13 px
    backgrounds = page.eval_on_selector_all(
        "form fieldset:not(.form__choice)", "els => els.map(e => getComputedStyle(e).backgroundColor)"
    )
    assert backgrounds and set(backgrounds) == {"rgb(255, 255, 255)"}
    hint = page.locator("details.form__hint").first
    hint.locator("summary").click()
    assert "через запятую" in hint.inner_text()
    context.close()


def test_on_a_desktop_the_cabinet_keeps_the_headers_width_and_its_sidebar_beside(
    browser, live_server, site_pages, member_with_data
):
    context, page = open_at(browser, live_server, 1280)
    log_in(page, "269")
    for path in ("/cabinet/payments/", "/cabinet/electricity/"):
        page.goto(path)
        main, sidebar = page.locator("main").bounding_box(), page.locator("aside.sidebar").bounding_box()
        brand = page.locator(".brand").bounding_box()
        assert sidebar["x"] >= main["x"] + main["width"], path  # beside the tables, not under them
        assert sidebar["y"] < main["y"] + 50, path
        assert main["x"] >= brand["x"] and sidebar["x"] + sidebar["width"] <= brand["x"] + brand["width"] + 1, path
        wrap = page.locator(".table-wrap").first
        assert wrap.evaluate("el => el.scrollWidth <= el.clientWidth"), path  # the whole table is seen
    context.close()
