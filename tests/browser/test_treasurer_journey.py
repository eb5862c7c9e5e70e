"""The treasurer's month in the browser: readings import with a faulty first try, a plot
claim, the SMS dry run with the instruction's message, and logging out again."""

import datetime
import importlib
import io
import re

import pytest
from django.contrib.auth.models import Group, Permission
from openpyxl import Workbook
from playwright.sync_api import expect

from billing.models import Meter, Reading
from home.models import SiteSettings
from members.models import PlotClaim, SmsMessage
from tests.factories import (
    MeterFactory,
    PlotClaimFactory,
    PlotFactory,
    ProfileFactory,
    ReadingFactory,
    TariffFactory,
    UserFactory,
)
from tests.home.factories import make_home

pytestmark = pytest.mark.browser

TREASURER = "kaznachei"
TREASURER_PASSWORD = "Kazna-2024x"
APRIL, MAY, JUNE = datetime.date(2022, 4, 1), datetime.date(2022, 5, 1), datetime.date(2022, 6, 1)
# The instruction's table «Мое электричество» (01.04 → 01.05.2022: nothing used) and June's new readings.
START = {269: (9012, 2901), 270: (344, 244)}
JUNE_READINGS = [(269, 9532, 3118), (270, 346, 244)]
SMS_269 = "СНТ Аникино, уч. 269: T1 520, T2 217. К оплате 4121.45 до 5 числа."
SMS_270 = "СНТ Аникино, уч. 270: T1 2, T2 0. К оплате 13.64. Оплатить до 5 числа."


def treasurer_group() -> Group:
    """The «Казначей» group as the migrations build it; a transactional test's flush removes
    migration data, so rebuild it from the migrations' own permission lists when missing."""
    billing = importlib.import_module("billing.migrations.0002_treasurer_group")
    sms = importlib.import_module("members.migrations.0005_treasurer_sms_permissions")
    debts = importlib.import_module("billing.migrations.0006_debts")
    reminders = importlib.import_module("members.migrations.0009_debt_reminders")
    group, created = Group.objects.get_or_create(name=billing.GROUP_NAME)
    if created:
        lists = (billing.PERMISSIONS, debts.TREASURER_PERMISSIONS)
        codenames = [
            f"{action}_{model}" for listed in lists for model, actions in listed.items() for action in actions
        ]
        group.permissions.set(
            [
                *Permission.objects.filter(content_type__app_label="billing", codename__in=codenames),
                *Permission.objects.filter(
                    content_type__app_label="members", codename__in=[*sms.PERMISSIONS, *reminders.PERMISSIONS]
                ),
                Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
            ]
        )
    return group


@pytest.fixture
def anikino(transactional_db):
    """Plots 269 and 270 as the instruction shows them on 01.05.2022, member 269 (phone, SMS
    consent, 269 confirmed, 270 waiting for the treasurer) and the treasurer's account."""
    site_settings = SiteSettings.for_site(make_home().get_site())
    site_settings.short_name = "СНТ Аникино"
    site_settings.save()
    TariffFactory(valid_from=datetime.date(2022, 1, 1))
    plots = {}
    for number, (day, night) in START.items():
        plots[number] = PlotFactory(number=number, owner_email="", owner_phone="")
        meter = MeterFactory(plot=plots[number], kind=Meter.Kind.TWO_ZONE)
        for taken_on in (APRIL, MAY):
            ReadingFactory(meter=meter, taken_on=taken_on, day=day, night=night)

    member = UserFactory(username="269", email="member269@example.org", password="Sad-demo-2022")
    ProfileFactory(user=member, phone="89031221105", sms_consent=True)
    PlotClaimFactory(user=member, plot=plots[269], status=PlotClaim.Status.CONFIRMED)
    PlotClaimFactory(user=member, plot=plots[270], status=PlotClaim.Status.PENDING)

    treasurer = UserFactory(username=TREASURER, email="kaznachei@example.org", password=TREASURER_PASSWORD)
    treasurer.groups.add(treasurer_group())
    return plots


def readings_xlsx(path, rows) -> str:
    """A readings sheet as the treasurer keeps it in Excel: real date cells, numbers as numbers."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Участок", "Дата", "День", "Ночь"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    return str(path)


def open_billing_item(page, label: str) -> None:
    """Through the sidebar, as a person would: «Бухгалтерия» → the item."""
    sidebar = page.locator("#wagtail-sidebar")
    sidebar.get_by_role("button", name="Бухгалтерия").click()
    sidebar.get_by_role("link", name=label, exact=True).click()


def test_treasurer_month(page, live_server, anikino, screenshot, tmp_path):
    shot = lambda name: screenshot(page, f"treasurer/{name}")  # noqa: E731
    log_in(page, live_server, shot)
    import_faulty_file(page, tmp_path, shot)
    import_corrected_file(page, tmp_path, shot)
    confirm_pending_claim(page, anikino, shot)
    sms_dry_run_then_send(page, shot)
    log_out(page, shot)


def log_in(page, live_server, shot) -> None:
    """Log in: the admin sends a visitor to the allauth login form."""
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/admin/$"))
    expect(page.locator("h1")).to_have_text("Вход в личный кабинет")
    page.get_by_label("Номер участка (логин)").fill(TREASURER)
    page.get_by_label("Пароль").fill(TREASURER_PASSWORD)
    shot("01-login")
    page.get_by_role("button", name="Войти").click()
    expect(page).to_have_url(live_server.url + "/admin/")
    sidebar = page.locator("#wagtail-sidebar")
    expect(sidebar.get_by_role("button", name="Бухгалтерия")).to_be_visible()
    expect(sidebar.get_by_role("link", name="Заявки на участки")).to_be_visible()
    shot("02-dashboard")


def import_faulty_file(page, tmp_path, shot) -> None:
    """A file with one bad row: nothing is written, the row number is named."""
    open_billing_item(page, "Импорт из файла")
    expect(page.locator("h1")).to_contain_text("Импорт из файла")
    page.get_by_role("link", name="Загрузить: показания", exact=True).click()
    expect(page.locator("h1")).to_contain_text("показания")
    faulty = [(269, JUNE, 9532, 3118), (270, JUNE, 346, "abc")]
    page.get_by_label("Файл").set_input_files(readings_xlsx(tmp_path / "pokazaniya-iyun.xlsx", faulty))
    shot("03-upload-faulty")
    page.get_by_role("button", name="Проверить файл").click()
    errors = page.locator("[data-import-errors]")
    expect(errors).to_contain_text("Файл не загружен: ошибок — 1.")
    expect(errors.get_by_role("listitem")).to_have_text(["Строка 3, «Ночь»: не число (abc)."])
    expect(page.get_by_role("button", name="Подтвердить загрузку")).to_have_count(0)
    assert not Reading.objects.filter(taken_on=JUNE).exists()
    shot("04-faulty-rejected")


def import_corrected_file(page, tmp_path, shot) -> None:
    """The corrected file: preview first, then the confirmation writes it."""
    page.get_by_role("link", name="Загрузить файл ещё раз").click()
    corrected = [(number, JUNE, day, night) for number, day, night in JUNE_READINGS]
    page.get_by_label("Файл").set_input_files(readings_xlsx(tmp_path / "pokazaniya-iyun-ispr.xlsx", corrected))
    page.get_by_role("button", name="Проверить файл").click()
    expect(page.locator("[data-import-errors]")).to_have_count(0)
    expect(page.locator("[data-import-counts]")).to_contain_text(
        "Строк: 2. Новых: 2, изменится: 0, без изменений: 0. Данные на 01.06.2022."
    )
    preview = page.locator("table.listing tbody tr")
    expect(preview).to_have_count(2)
    expect(preview.nth(0)).to_contain_text("новая")
    expect(preview.nth(0)).to_contain_text("9532")
    expect(preview.nth(1)).to_contain_text("346")
    assert not Reading.objects.filter(taken_on=JUNE).exists()
    shot("05-preview")
    page.get_by_role("button", name="Подтвердить загрузку").click()
    expect(page.get_by_text("Файл «pokazaniya-iyun-ispr.xlsx» загружен: новых: 2, изменённых: 0")).to_be_visible()
    june = Reading.objects.filter(taken_on=JUNE).order_by("meter__plot__number")
    assert [(r.meter.plot.number, r.day, r.night) for r in june] == JUNE_READINGS
    shot("06-imported")


def confirm_pending_claim(page, anikino, shot) -> None:
    """Plot 270 waits for the treasurer."""
    sidebar = page.locator("#wagtail-sidebar")
    sidebar.get_by_role("link", name="Заявки на участки").click()
    expect(page.locator("h1")).to_have_text("Заявки на участки")
    page.get_by_role("navigation", name="Фильтр по статусу").get_by_role("link", name="ожидает подтверждения").click()
    pending = page.locator("table.listing tbody tr")
    expect(pending).to_have_count(1)
    expect(pending.locator("td").nth(1)).to_have_text("270")
    expect(pending).to_contain_text("Ожидает подтверждения")
    pending.get_by_role("checkbox").check()
    shot("07-claim-pending")
    page.get_by_role("button", name="Подтвердить отмеченные").click()
    expect(page.get_by_text("Заявок подтверждено: 1.")).to_be_visible()
    expect(page.get_by_text("Заявок нет.")).to_be_visible()
    assert PlotClaim.objects.get(plot=anikino[270]).status == PlotClaim.Status.CONFIRMED
    shot("08-claim-confirmed")


def sms_dry_run_then_send(page, shot) -> None:
    """The SMS dry run for May: one message per plot, each naming its plot, nothing sent."""
    open_billing_item(page, "SMS-рассылка")
    expect(page.locator("h1")).to_have_text("SMS-рассылка")
    dry_run = page.locator("form", has=page.get_by_role("button", name="Пробный запуск"))
    dry_run.get_by_label("Месяц расхода (ГГГГ-ММ)").fill("2022-05")
    dry_run.get_by_role("button", name="Пробный запуск").click()
    plan = page.locator("section[aria-labelledby='sms-plan']")
    expect(plan.get_by_role("heading")).to_have_text("Пробный запуск за 2022-05: сообщений 2 (ничего не отправлено)")
    # Cyrillic: 70 characters fit one SMS part; 269's longer figures shorten its closing words.
    assert (len(SMS_269), len(SMS_270)) == (66, 70)
    messages = plan.locator("tbody tr")
    expect(messages).to_have_count(2)
    expect(messages.nth(0).locator("td")).to_have_text(["269", "269", "89031221105", SMS_269, "1", "новое"])
    expect(messages.nth(1).locator("td")).to_have_text(["269", "270", "89031221105", SMS_270, "1", "новое"])
    expect(page.get_by_text("Сообщений нет.")).to_be_visible()
    assert not SmsMessage.objects.exists()
    shot("09-sms-dry-run")

    # Sending goes from the dry run's result, with the count it showed.
    plan.get_by_role("button", name="Отправить 2 SMS за 2022-05").click()
    expect(page.get_by_text("Рассылка за 2022-05 поставлена в очередь задач: 2 сообщ.")).to_be_visible()
    assert sorted(SmsMessage.objects.values_list("text", flat=True)) == sorted([SMS_269, SMS_270])
    shot("10-sms-sent")


def log_out(page, shot) -> None:
    """Log out: the admin is closed again."""
    sidebar = page.locator("#wagtail-sidebar")
    sidebar.get_by_role("button", name=TREASURER).click()
    sidebar.get_by_role("button", name="Выйти").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_text("Вы успешно вышли")).to_be_visible()
    expect(page.locator("h1")).to_have_text("Вход в личный кабинет")
    shot("10-logged-out")
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/admin/$"))
