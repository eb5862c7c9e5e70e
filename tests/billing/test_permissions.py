"""Who reaches «Бухгалтерия»: the treasurer group does, editors and visitors don't."""

from http import HTTPStatus

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.shortcuts import resolve_url
from django.test import RequestFactory
from django.urls import reverse
from wagtail.admin.menu import admin_menu

from tests.factories import ImportBatchFactory, PlotFactory, TariffFactory

pytestmark = pytest.mark.django_db

LIST_URL_NAMES = [
    "billing_plot_modeladmin_index",
    "billing_meter_modeladmin_index",
    "billing_reading_modeladmin_index",
    "billing_charge_modeladmin_index",
    "billing_payment_modeladmin_index",
    "billing_importbatch_modeladmin_index",
    "wagtailsnippets_billing_tariff:list",
    "wagtailsnippets_billing_article:list",
    "wagtailsnippets_billing_feerate:list",
]
IMPORT_URLS = [
    ("billing_import_index", []),
    ("billing_import", ["plots"]),
    ("billing_import", ["payments"]),
    ("billing_import_example", ["readings", "csv"]),
    ("billing_accrue", []),
]


def admin_login_url() -> str:
    return resolve_url(getattr(settings, "WAGTAILADMIN_LOGIN_URL", "wagtailadmin_login"))


def menu_labels(user) -> dict[str, list[str]]:
    request = RequestFactory().get("/admin/")
    request.user = user
    labels = {}
    for item in admin_menu.menu_items_for_request(request):
        submenu = getattr(item, "menu", None)
        labels[str(item.label)] = (
            [str(sub.label) for sub in sorted(submenu.menu_items_for_request(request), key=lambda i: i.order)]
            if submenu
            else []
        )
    return labels


def test_treasurer_group_has_exactly_the_billing_permissions():
    group = Group.objects.get(name="Казначей")
    granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
    expected = {"wagtailadmin.access_admin", "billing.view_importbatch", "billing.add_importbatch"}
    expected |= {"members.view_smsmessage", "members.change_smsmessage"}  # the SMS outbox
    for model in ("plot", "meter", "reading", "charge", "payment", "tariff", "article", "feerate"):
        expected |= {f"billing.{action}_{model}" for action in ("add", "change", "delete", "view")}
    # bank statements (issue 12): documents come from statements; expense categories and the смета are edited
    expected |= {"billing.view_banktransaction", "billing.change_banktransaction"}
    expected |= {"billing.view_knownpayer", "billing.change_knownpayer", "billing.delete_knownpayer"}
    for model in ("expensecategory", "budgetline"):
        expected |= {f"billing.{action}_{model}" for action in ("add", "change", "delete", "view")}
    # debts (issue 13): the penalty rules, and the due dates and reminders in «Сроки оплаты и напоминания»
    expected |= {f"billing.{action}_penaltyrule" for action in ("add", "change", "delete", "view")}
    expected |= {"billing.change_debtsettings"}
    expected |= {"members.view_reminderround", "members.add_reminderround"}  # reminders to debtors
    for model in ("mainmeter", "mainreading"):  # issue 14: main meters and the line balance
        expected |= {f"billing.{action}_{model}" for action in ("add", "change", "delete", "view")}
    expected |= {"billing.change_linesettings"}
    # the members' registry (issue 15): kept with the secretary; the treasurer links site users
    for model in ("person", "ownership"):
        expected |= {f"meetings.{action}_{model}" for action in ("add", "change", "delete", "view")}
    expected |= {"meetings.link_person", "meetings.change_meetingrules", "meetings.view_meetingrules"}
    assert granted == expected


def test_editors_and_moderators_have_no_billing_permission():
    billing = Permission.objects.filter(content_type__app_label="billing")
    assert not billing.filter(group__name__in=["Editors", "Moderators"]).exists()


def test_treasurer_sees_the_billing_menu_with_every_list(treasurer):
    assert menu_labels(treasurer)["Бухгалтерия"] == [
        "Участки",
        "Счётчики",
        "Показания",
        "Общие счётчики",
        "Показания общих счётчиков",
        "Начисления",
        "Платежи",
        "Выписка банка",
        "Загрузки",
        "Неразобранные платежи",
        "Доходы и расходы",
        "Импорт из файла",
        "Показания садоводов",
        "Тарифы",
        "Акты сверки",
        "Статьи",
        "Ставки взносов",
        "Категории расходов",
        "Смета",
        "Правила начисления пеней",
        "Начислить пени",
        "Должники",
        "Расчётные показания",
        "Баланс электроэнергии",
        "Распределить потери",
        "SMS-рассылка",
        "Напоминания должникам",
    ]


def test_editor_does_not_see_the_billing_menu(editor):
    labels = menu_labels(editor)
    assert "Бухгалтерия" not in labels
    assert not any("Тариф" in sub for subs in labels.values() for sub in subs)


@pytest.mark.parametrize("url_name", LIST_URL_NAMES)
def test_treasurer_opens_every_list(client, treasurer, url_name):
    PlotFactory(number=269)
    TariffFactory()
    ImportBatchFactory()
    client.force_login(treasurer)
    response = client.get(reverse(url_name))
    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize("url_name", LIST_URL_NAMES)
def test_editor_is_refused_every_list(client, editor, url_name):
    PlotFactory(number=269, street="Секретная")
    client.force_login(editor)
    response = client.get(reverse(url_name))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("wagtailadmin_home")


@pytest.mark.parametrize(("url_name", "args"), IMPORT_URLS)
def test_editor_is_refused_the_import_pages(client, editor, url_name, args):
    client.force_login(editor)
    response = client.get(reverse(url_name, args=args))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("wagtailadmin_home")


def test_editor_cannot_export_plots(client, editor):
    PlotFactory(number=269, owner_phone="89991234567")
    client.force_login(editor)
    response = client.get(reverse("billing_plot_modeladmin_index"), {"export": "csv"})
    assert response.status_code == HTTPStatus.FOUND
    assert b"89991234567" not in response.content


@pytest.mark.parametrize("url_name", ["billing_plot_modeladmin_index", "billing_import_index"])
def test_anonymous_is_sent_to_the_login_page(client, url_name):
    url = reverse(url_name)
    response = client.get(url)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(admin_login_url())
    assert f"next={url}" in response["Location"]


def test_member_without_admin_access_is_refused(client):
    member = get_user_model().objects.create_user(username="269", password="secret-123")
    client.force_login(member)
    response = client.get(reverse("billing_plot_modeladmin_index"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(admin_login_url())


def test_treasurer_without_import_permission_cannot_import(client, treasurer):
    treasurer.groups.clear()
    group = Group.objects.create(name="Только просмотр")
    group.permissions.set(Permission.objects.filter(codename__in=["access_admin", "view_plot", "view_importbatch"]))
    treasurer.groups.add(group)
    client.force_login(treasurer)
    assert client.get(reverse("billing_plot_modeladmin_index")).status_code == HTTPStatus.OK
    response = client.get(reverse("billing_import", args=["plots"]))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("wagtailadmin_home")
