"""The secretary's meeting pages on a 390 px phone and a 1280 px desktop: nothing scrolls sideways and
axe-core finds no violation in the page's own content; a paper ballot is entered with the radios."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from members.meetings import voting
from members.meetings.models import Vote
from tests.factories import PlotFactory, UserFactory
from tests.members.meetings.world import allow_absentee, meeting, owner, person, published

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
ITEMS = (
    ("budget", "Утвердить приходно-расходную смету на 2027 год с приложением финансово-экономического обоснования"),
    ("fees", "Утвердить размер членских взносов и платы собственников без членства"),
)


def signed_in(browser, live_server, user, width: int):
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url, locale="ru-RU", viewport={"width": width, "height": 800})
    context.set_default_timeout(15_000)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return context, context.new_page()


def problems(page) -> list[str]:
    found = []
    scroll, width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if scroll > width:
        found.append(f"{page.url}: scrolls sideways: {scroll} > {width}")
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "async () => (await axe.run('main')).violations"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
    )
    return found + [f"{page.url}: {v}" for v in violations]


@pytest.fixture
def meetings(transactional_db):
    allow_absentee()
    group, _ = Group.objects.get_or_create(name="Секретарь правления")  # a transactional test flushed the migration's
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="meetings"),
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
    )
    secretary = UserFactory(username="sekretar-b", email="", is_staff=True, groups=["Секретарь правления"])
    ivanov = person("Иванов Иван Иванович", email="ivanov@example.org", phone="89031112233")
    owner("Сидоров Пётр Николаевич", PlotFactory(number=77))
    draft = meeting(date=timezone.localdate() + datetime.timedelta(days=30), items=ITEMS)
    upcoming = published(items=ITEMS)
    voting.cast_online(upcoming.pk, ivanov.pk, {upcoming.items.first().pk: "against"})
    closed = published(date=timezone.localdate() - datetime.timedelta(days=2), items=ITEMS)
    Vote.objects.create(meeting=closed, item=closed.items.first(), person=ivanov, choice="for")
    voting.close(closed.pk, secretary)
    return secretary, ivanov, draft, upcoming, closed


def test_the_meeting_pages_fit_a_phone_and_pass_axe(browser, live_server, meetings, screenshot):
    secretary, ivanov, draft, upcoming, closed = meetings
    paths = [
        "/admin/meetings/meeting/",
        f"/admin/meetings/meeting/edit/{upcoming.pk}/",
        f"/admin/meetings/meeting/{draft.pk}/publish/",
        f"/admin/meetings/meeting/{upcoming.pk}/ballots/?q=77",
        f"/admin/meetings/meeting/{upcoming.pk}/ballots/?person={ivanov.pk}",
        f"/admin/meetings/meeting/{upcoming.pk}/close/",
        f"/admin/meetings/meeting/{closed.pk}/results/",
        f"/admin/meetings/meeting/{upcoming.pk}/notices/",
    ]
    found = []
    for width in (390, 1280):
        context, page = signed_in(browser, live_server, secretary, width)
        for path in paths:
            page.goto(path)
            found += problems(page)
            if width == 390:
                screenshot(page, "meetings-" + path.strip("/").replace("/", "-").replace("?", "-").replace("=", "-"))
        context.close()
    assert not found, "\n".join(found)


def test_the_secretary_enters_a_paper_ballot_on_a_phone(browser, live_server, meetings):
    secretary, ivanov, draft, upcoming, closed = meetings
    context, page = signed_in(browser, live_server, secretary, 390)
    page.goto(f"/admin/meetings/meeting/{upcoming.pk}/ballots/")
    page.get_by_label("ФИО или номер участка").fill("иванов")
    page.get_by_role("button", name="Найти").click()
    page.get_by_role("link", name="Иванов Иван Иванович").click()
    page.get_by_role("button", name="Зарегистрировать как присутствующего").click()
    expect(page.get_by_text("Иванов Иван Иванович зарегистрирован(а) как присутствующий.")).to_be_visible()
    first, second = upcoming.items.all()
    page.get_by_role("group", name=f"1. {first.wording}").get_by_label("за").check()
    page.get_by_role("group", name=f"2. {second.wording}").get_by_label("воздержался").check()
    page.get_by_role("button", name="Внести бюллетень").click()
    expect(page.get_by_text("Заменено голосов, поданных на сайте: 1.")).to_be_visible()
    vote = Vote.objects.get(item=first, person=ivanov)
    assert (vote.choice, vote.source, vote.online_choice) == ("for", "paper", "against")
    context.close()
