"""A whole mixed (очно-заочное) general meeting through the UI, as the issue's «Done when» asks: the
secretary creates it in the admin with a 2/3 item (смета) and a simple-majority one; publishing is refused
13 days ahead and accepted 14 days ahead; four members vote on the site on a phone (one changes a vote);
at the desk the secretary registers those present and enters two paper ballots (one replaces an online
vote: the paper wins) while the quorum panel reaches 5 of 9; after the meeting «Подвести итоги»; the
results in the admin, on the public page (totals only) and in the protocol PDF.

The numbers, as the golden meeting of tests/members/meetings/results_data.py: 9 members, 5 take part
(quorum: more than 4.5). Смета: 3 за, 1 против, 1 воздержался — 60 % of those present < 2/3: not adopted.
Отчёт правления: 4 за, 1 против — 80 % > 1/2: adopted. (With 10 members 60 % would need all 10.)
"""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from playwright.sync_api import expect

from members.meetings.models import Meeting, MeetingsPage, Vote
from tests.browser.conftest import SCREENSHOTS, log_in_to_admin
from tests.browser.test_layout import audit, log_in, open_at, open_cabinet_item
from tests.factories import PASSWORD, UserFactory
from tests.home.factories import publish
from tests.members.acts import pdf_text
from tests.members.meetings.world import allow_absentee, person

pytestmark = pytest.mark.browser

SHOTS = SCREENSHOTS / "meeting-journey"
SECRETARY = "sekretar-g"
BUDGET = "Утвердить приходно-расходную смету товарищества на 2027 год и финансово-экономическое обоснование взносов"
REPORT = "Утвердить отчёт правления о работе за 2026 год"
PLACE = "Правление, ул. Садовая, 1"
# Members voting on the site: (site login, ФИО, смета, отчёт); «Сергеев» then changes his смета vote.
ONLINE = (
    ("101", "Андреев Андрей Андреевич", "за", "за"),
    ("102", "Борисова Вера Петровна", "за", "за"),
    ("103", "Васильев Глеб Олегович", "против", "против"),
    ("104", "Сергеев Денис Ильич", "против", "за"),
)
OTHERS = ("Егорова Елена Юрьевна", "Жуков Захар Игоревич", "Зайцева Ирина Львовна", "Ильин Кирилл Маркович")
OTHERS += ("Козлова Лидия Николаевна",)


@pytest.fixture
def registry(transactional_db, site_pages):
    """The board's settings (absentee voting allowed by the устав), the public «Общие собрания» page, the
    secretary and nine members, four of them linked to site users."""
    allow_absentee()
    group, _ = Group.objects.get_or_create(name="Секретарь правления")  # a transactional test flushed the migration's
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="meetings"),
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
    )
    UserFactory(username=SECRETARY, email="sekretar@example.org", password=PASSWORD, groups=["Секретарь правления"])
    for login, name, *_ in ONLINE:
        person(name, user=UserFactory(username=login, email=f"m{login}@example.org", password=PASSWORD))
    for name in OTHERS:
        person(name)
    return publish(
        site_pages.home, MeetingsPage(title="Общие собрания", slug="sobraniya", intro="Уведомления и итоги.")
    )


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def secretary_page(browser, live_server, width=1280):
    context, page = open_at(browser, live_server, width)
    log_in_to_admin(page, SECRETARY, PASSWORD)
    page.locator("#wagtail-sidebar").get_by_role("link", name="Общие собрания").click()
    return context, page


def set_date(page, day: datetime.date) -> None:
    """The meeting's day and the end of the ballots' acceptance (10:00 of that day) in the admin's pickers."""
    page.locator("#id_date").fill(day.isoformat())
    page.locator("#id_voting_ends").fill(f"{day.isoformat()} 10:00")
    close_pickers(page)


def close_pickers(page) -> None:
    """A click beside the fields folds the pickers away (else the next click only closes them)."""
    page.get_by_role("heading", level=1).click()
    expect(page.locator(".xdsoft_datetimepicker:visible")).to_have_count(0)


def create_meeting(page, day: datetime.date) -> Meeting:
    page.get_by_role("link", name="Добавить общее собрание").click()
    page.wait_for_url("**/create/")
    page.wait_for_load_state("load")  # the inline panel's «Добавить вопрос» works once Wagtail's scripts ran
    page.get_by_role("textbox", name="Название").fill("Очередное общее собрание членов товарищества")
    page.get_by_role("combobox", name="Форма проведения").select_option(label="в очно-заочной форме")
    set_date(page, day)
    page.locator("#id_start_time").fill("12:00")
    close_pickers(page)
    page.get_by_role("textbox", name="Место проведения").fill(PLACE)
    for index, (topic, wording) in enumerate((("budget", BUDGET), ("board_reports", REPORT))):
        page.get_by_role("button", name="Добавить вопрос").click()
        page.locator(f"#id_items-{index}-wording").fill(wording)
        page.locator(f"#id_items-{index}-topic").select_option(topic)
    expect(page.locator("#id_items-0-majority")).to_have_value("two_thirds")  # the rules' script filled it
    page.get_by_role("button", name="Сохранить").first.click()
    expect(page.get_by_text("Очередное общее собрание членов товарищества").first).to_be_visible()
    return Meeting.objects.get()


def publish_meeting(page, meeting: Meeting, today: datetime.date) -> None:
    """13 days ahead the notice is refused; the date moved to 14 days ahead (a draft is editable), accepted."""
    page.get_by_role("link", name="Опубликовать уведомление").click()
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text("Опубликовать уведомление нельзя")
    expect(refusal).to_contain_text("не позднее чем за 14 дн. до него (ст. 17 ч. 13 217-ФЗ)")
    expect(refusal).to_contain_text("осталось 13 дн.")
    expect(page.get_by_role("button", name="Опубликовать и разослать уведомление")).to_have_count(0)
    shot(page, "publish-refused-13-days")
    page.goto(f"/admin/meetings/meeting/edit/{meeting.pk}/")
    set_date(page, today + datetime.timedelta(days=14))
    page.get_by_role("button", name="Сохранить").first.click()
    page.goto(f"/admin/meetings/meeting/{meeting.pk}/publish/")
    expect(page.get_by_role("alert")).to_have_count(0)
    page.get_by_role("button", name="Опубликовать и разослать уведомление").click()
    expect(page.get_by_text("Уведомление опубликовано: повестка зафиксирована.")).to_be_visible()
    shot(page, "published-14-days")


def vote_online(browser, live_server, login: str, budget: str, report: str, *, first: bool) -> None:
    context, page = open_at(browser, live_server, 390)
    log_in(page, login)
    open_cabinet_item(page, "Собрания")
    page.get_by_role("link", name="Повестка и бюллетень").click()
    page.get_by_role("group", name=f"Вопрос 1. {BUDGET}").get_by_label(budget, exact=True).check()
    page.get_by_role("group", name=f"Вопрос 2. {REPORT}").get_by_label(report, exact=True).check()
    if first:
        assert audit(page) == []
        shot(page, "ballot-390")
    page.get_by_role("button", name="Проголосовать").click()
    expect(page.get_by_text("Голос учтён")).to_be_visible()
    if login == "104":  # changes his mind about the смета before the voting closes
        page.get_by_role("group", name=f"Вопрос 1. {BUDGET}").get_by_label("воздержался", exact=True).check()
        page.get_by_role("button", name="Сохранить изменения").click()
        expect(page.get_by_text("Голос учтён")).to_be_visible()
        shot(page, "ballot-changed-390")
    context.close()


def desk(page, name: str, budget: str, report: str) -> None:
    """At the desk: find the person, register them present, enter their paper ballot."""
    page.get_by_label("ФИО или номер участка").fill(name.split()[0])
    page.get_by_role("button", name="Найти").click()
    page.get_by_role("link", name=name).click()
    page.get_by_role("button", name="Зарегистрировать как присутствующего").click()
    expect(page.get_by_text(f"{name} зарегистрирован(а) как присутствующий.")).to_be_visible()
    page.get_by_role("group", name=f"1. {BUDGET}").get_by_label(budget, exact=True).check()
    page.get_by_role("group", name=f"2. {REPORT}").get_by_label(report, exact=True).check()
    page.get_by_role("button", name="Внести бюллетень").click()


def at_the_meeting(page, meeting: Meeting) -> None:
    page.goto(f"/admin/meetings/meeting/{meeting.pk}/ballots/")
    quorum = page.locator(".meeting-quorum")
    expect(quorum).to_contain_text("Членов товарищества на дату собрания: 9")
    expect(quorum).to_contain_text("(зарегистрированы или проголосовали): 4")
    expect(quorum).to_contain_text("Кворума пока нет: нужно ещё 1 чел.")
    desk(page, "Сергеев Денис Ильич", "за", "за")  # voted online, came with a paper ballot: the paper wins
    expect(
        page.get_by_text("Бюллетень Сергеев Денис Ильич внесён: вопросов 2. Заменено голосов, поданных на сайте: 2.")
    ).to_be_visible()
    expect(page.get_by_role("group", name=f"1. {BUDGET}")).to_contain_text(
        "Бумажный бюллетень уже внесён: «за»; он заменил голос на сайте («воздержался»)."
    )
    expect(quorum).to_contain_text("Кворума пока нет: нужно ещё 1 чел.")  # he was counted already
    desk(page, "Егорова Елена Юрьевна", "воздержался", "за")
    expect(page.get_by_text("Бюллетень Егорова Елена Юрьевна внесён: вопросов 2.")).to_be_visible()
    expect(quorum).to_contain_text("(зарегистрированы или проголосовали): 5")
    expect(quorum).to_contain_text("Кворум есть.")
    shot(page, "ballots-quorum-1280")


def paper_shown_to_the_member(browser, live_server) -> None:
    """«Сергеев» sees in the cabinet that his paper ballot counts instead of his votes on the site."""
    context, page = open_at(browser, live_server, 390)
    log_in(page, "104")
    open_cabinet_item(page, "Собрания")
    page.get_by_role("link", name="Повестка и бюллетень").click()
    expect(page.get_by_role("region", name=f"Вопрос 1. {BUDGET}")).to_contain_text(
        "Учтён бумажный бюллетень: «за» (он заменил голос на сайте)."
    )
    expect(page.get_by_role("radio")).to_have_count(0)  # both items are fixed by the paper ballot
    context.close()


def close_meeting(page, meeting: Meeting) -> None:
    # The only shortcut through the database: time passes. The meeting's day and the end of the ballots'
    # acceptance move into the past, so «Подвести итоги» is allowed (voting.close refuses before them).
    Meeting.objects.filter(pk=meeting.pk).update(
        date=timezone.localdate() - datetime.timedelta(days=1),
        voting_ends=timezone.now() - datetime.timedelta(days=1),
    )
    page.goto("/admin/meetings/meeting/")
    page.get_by_role("link", name="Подвести итоги").click()
    page.get_by_role("button", name="Подвести итоги").click()
    expect(page.get_by_text("Итоги подведены: голоса больше не принимаются и не меняются.")).to_be_visible()
    counts = page.locator(".meeting-counts > li")
    expect(counts.nth(0)).to_contain_text(
        "За — 3, против — 1, воздержались — 1; присутствовали (голосующие по вопросу) — 5."
    )
    expect(counts.nth(0)).to_contain_text("Нужно: не менее 2/3 присутствующих. Решение не принято (60,0 % «за»).")
    expect(counts.nth(1)).to_contain_text(
        "За — 4, против — 1, воздержались — 0; присутствовали (голосующие по вопросу) — 5."
    )
    expect(counts.nth(1)).to_contain_text("Нужно: простое большинство. Решение принято (80,0 % «за»).")
    expect(page.get_by_role("main")).to_contain_text("Кворум: есть")
    expect(page.get_by_role("region", name="Кто как голосовал")).to_contain_text(
        "заменил голос на сайте «воздержался»"
    )
    shot(page, "results-admin-1280")


def protocol_facts(meeting: Meeting) -> tuple[str, ...]:
    return (
        "Протокол очередного общего собрания членов",
        "проведённого в очно-заочной форме",
        f"Дата проведения {meeting.date:%d.%m.%Y}, начало в 12:00",
        f"Место проведения {PLACE}",
        "Форма проведения в очно-заочной форме",
        "Членов товарищества на дату собрания 9",
        "Приняли участие членов товарищества 5",
        "Кворум имеется (необходимо более половины членов: не менее 5)",
        f"Вопрос 1. {BUDGET} Необходимое большинство: не менее 2/3 присутствующих.",
        "5 3 (60,0 %) 1 1 Решение: не принято.",
        f"Вопрос 2. {REPORT} Необходимое большинство: простое большинство.",
        "5 4 (80,0 %) 1 0 Решение: принято.",
    )


def public_results(browser, live_server, meetings_page, meeting: Meeting) -> None:
    names = [name for _, name, *_ in ONLINE] + list(OTHERS)
    for width in (390, 1280):
        context, page = open_at(browser, live_server, width)
        page.goto(f"{meetings_page.url}{meeting.pk}/")
        expect(page.locator(".meeting-decision")).to_have_text(["не принято", "принято"])
        text = page.get_by_role("main").inner_text()
        assert not [name for name in names if name.split()[0] in text], "the public sees totals, not names"
        assert audit(page) == []
        shot(page, f"results-public-{width}")
        if width == 390:
            with page.expect_download() as download:
                page.get_by_role("link", name="Скачать протокол собрания (PDF)").click()
            public_pdf = pdf_text(download.value.path().read_bytes())
        context.close()
    for words in protocol_facts(meeting):
        assert words in public_pdf, words
    assert not [name for name in names if name.split()[0] in public_pdf]


def test_a_mixed_meeting_from_the_notice_to_the_protocol(browser, live_server, registry):
    today = timezone.localdate()
    context, admin = secretary_page(browser, live_server)
    meeting = create_meeting(admin, today + datetime.timedelta(days=13))
    publish_meeting(admin, meeting, today)
    for number, (login, _, budget, report) in enumerate(ONLINE):
        vote_online(browser, live_server, login, budget, report, first=number == 0)
    assert Vote.objects.filter(meeting=meeting, source="online").count() == 8
    at_the_meeting(admin, meeting)
    paper_shown_to_the_member(browser, live_server)
    close_meeting(admin, meeting)
    meeting.refresh_from_db()
    response = admin.request.get(f"/admin/meetings/meeting/{meeting.pk}/protocol.pdf")
    assert response.status == 200
    text = pdf_text(response.body())
    for words in protocol_facts(meeting):
        assert words in text, words
    context.close()
    public_results(browser, live_server, registry, meeting)
