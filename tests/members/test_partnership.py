"""The door from members to the partnership's settings (members.partnership)."""

import ast
import importlib
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from wagtail.models import Site

from billing.models import DebtSettings
from home.models import ContactPage, ContentPage, SiteSettings
from members.partnership import partnership_settings
from members.sms.plan import sms_settings
from tests.home.factories import make_contact, make_home, publish

pytestmark = pytest.mark.django_db

BANK = {
    "bank_recipient": "СНТ «Тестовое»",
    "bank_account": "40703810938000000001",
    "bank_name": "ПАО Сбербанк",
    "bank_bic": "044525225",
    "bank_corr_account": "30101810400000000225",
    "bank_inn": "5000000000",
    "bank_kpp": "500001001",
}


def signup_consent_link(client) -> str:
    """Where the signup form's consent checkbox links (the footer links the setting's page too)."""
    soup = BeautifulSoup(client.get("/accounts/signup/").content, "html.parser")
    return soup.select_one('label:has(input[name="consent"]) a')["href"]


def test_values_come_from_the_site_settings(rf):
    make_home()
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.full_name = "СНТ «Тестовое»"
    site_settings.short_name = "СНТ Тестовое"
    site_settings.chairman_name = " Иванов Иван Иванович "
    for name, value in BANK.items():
        setattr(site_settings, name, value)
    site_settings.bank_name = "  ПАО Сбербанк "  # stripped
    site_settings.save()
    DebtSettings.objects.update_or_create(defaults={"electricity_due_day": 10})
    for request in (rf.get("/"), None):
        partnership = partnership_settings(request)
        assert partnership.full_name == "СНТ «Тестовое»"
        assert partnership.short_name == "СНТ Тестовое"
        assert partnership.payment_due_day == 10
        assert partnership.bank == BANK
        assert partnership.chairman_name == "Иванов Иван Иванович"
    assert sms_settings() == ("СНТ Тестовое", 10)


def test_without_a_site_the_project_name_and_the_fifth(rf, settings):
    Site.objects.all().delete()
    settings.WAGTAIL_SITE_NAME = "СНТ «Без сайта»"
    partnership = partnership_settings(rf.get("/"))
    assert (partnership.full_name, partnership.short_name, partnership.payment_due_day) == (
        "СНТ «Без сайта»",
        "СНТ «Без сайта»",
        5,
    )
    assert set(partnership.bank.values()) == {""}
    assert partnership.consent_url == "/soglasie/"
    assert partnership.contact_url is None


def test_consent_page_is_the_one_chosen_in_the_settings_not_the_slug(client, rf, site_pages):
    chosen = publish(site_pages.home, ContentPage(title="Согласие (редакция 2024)", slug="soglasie-2024"))
    site_pages.settings.consent_page = chosen
    site_pages.settings.save()
    assert partnership_settings(rf.get("/")).consent_url == "/soglasie-2024/"
    assert signup_consent_link(client) == "/soglasie-2024/"


def test_a_renamed_consent_page_still_works(client, rf, site_pages):
    consent = site_pages.consent
    consent.slug = "soglasie-na-obrabotku"
    consent.save_revision().publish()
    assert partnership_settings(rf.get("/")).consent_url == "/soglasie-na-obrabotku/"
    assert signup_consent_link(client) == "/soglasie-na-obrabotku/"


def test_without_a_chosen_consent_page_the_soglasie_page_is_linked(rf, site_pages):
    site_pages.settings.consent_page = None
    site_pages.settings.save()
    assert partnership_settings(rf.get("/")).consent_url == site_pages.consent.url == "/soglasie/"


def test_an_unpublished_consent_page_is_not_linked(rf, settings, site_pages):
    settings.MEMBERS_CONSENT_URL = "/privacy-policy/"
    site_pages.consent.unpublish()
    assert partnership_settings(rf.get("/")).consent_url == "/privacy-policy/"


def test_contact_page_is_the_one_chosen_in_the_settings(rf, site_pages):
    second = make_contact(site_pages.home, title="Написать казначею", slug="kaznachey")
    assert partnership_settings(rf.get("/")).contact_url == site_pages.contact.url  # none chosen: the first form
    site_pages.settings.contact_page = second
    site_pages.settings.save()
    assert partnership_settings(rf.get("/")).contact_url == "/kaznachey/"
    second.unpublish()
    assert partnership_settings(rf.get("/")).contact_url is None  # no link to a page nobody can open


def test_one_settings_query_brings_both_pages_and_is_kept_for_the_request(rf, site_pages, django_assert_num_queries):
    site_pages.settings.contact_page = site_pages.contact
    site_pages.settings.save()
    assert partnership_settings(rf.get("/")).consent_url  # warm Wagtail's site root paths
    request = rf.get("/")
    with django_assert_num_queries(1):  # the site for the host with its settings and both pages joined
        partnership = partnership_settings(request)
        assert partnership.consent_url == "/soglasie/"
        assert partnership.contact_url == "/kontakty/"
    with django_assert_num_queries(0):
        assert partnership_settings(request) is partnership
        assert SiteSettings.for_request(request).consent_page.pk == site_pages.consent.pk  # base.html's copy


def test_a_page_that_links_neither_page_pays_nothing_for_them(rf, django_assert_num_queries):
    make_contact(make_home())
    partnership_settings(rf.get("/"))  # warm Wagtail's site root paths
    request = rf.get("/")
    with django_assert_num_queries(1):  # the site with its settings: no page lookups for unset choices
        assert partnership_settings(request).bank["bank_account"] == ""


def test_the_migration_chooses_the_pages_of_an_existing_site(site_pages):
    second = make_contact(site_pages.home, title="Написать казначею", slug="kaznachey")
    SiteSettings.objects.update(consent_page=None, contact_page=None)
    migration = importlib.import_module("home.migrations.0003_site_settings_contact_page")
    # historical models (a historical form page is not the real one), as of the table's present
    # columns: 0004 moved the due day to billing
    historical = MigrationLoader(connection).project_state(("home", "0004_board_names_due_day_to_billing")).apps
    migration.choose_pages(historical, None)
    site_settings = SiteSettings.objects.get()
    assert site_settings.consent_page_id == site_pages.consent.pk
    assert site_settings.contact_page_id == site_pages.contact.pk != second.pk  # the first in the tree


def test_the_demo_chooses_both_pages(rf):
    call_command("load_demo")
    partnership = partnership_settings(rf.get("/"))
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    assert site_settings.contact_page.specific_class is ContactPage
    assert partnership.contact_url == site_settings.contact_page.url
    assert partnership.consent_url == "/soglasie/"
    assert partnership.short_name == "СНТ Аникино"


STRING_TIES = re.compile(r"""get_model\(\s*["']home|app_label\s*=\s*["']home|["']soglasie["']""")


def _imported_apps(source: str) -> set[str]:
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            imported.add(node.module.split(".")[0])
    return imported


def test_members_reaches_home_only_through_the_door_and_home_stands_alone():
    root = Path(__file__).resolve().parents[2]
    door = root / "members" / "partnership.py"
    for path in (root / "members").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        source = path.read_text(encoding="utf-8")
        assert path == door or "home" not in _imported_apps(source), path
        assert not STRING_TIES.search(source), f"{path}: a tie to home the import graph cannot see"
    for app, forbidden in (("home", {"members", "billing"}), ("billing", {"members", "home"})):
        for path in (root / app).rglob("*.py"):
            assert not _imported_apps(path.read_text(encoding="utf-8")) & forbidden, path


def test_the_due_day_is_carried_from_the_site_settings_to_billing():
    """members' 0007 copies home's former `payment_due_day` into billing's settings."""
    make_home()
    migration = importlib.import_module("members.migrations.0007_due_day_to_billing")
    historical = MigrationLoader(connection).project_state(("members", "0007_due_day_to_billing")).apps

    class Stored:  # home's row as 0003 kept it: the historical model reads the live table, which lacks the column
        payment_due_day = 12

    class Rows:
        @staticmethod
        def filter(**lookups):
            return Rows

        @staticmethod
        def first():
            return Stored

    class Apps:
        def get_model(self, app, name):
            if (app, name) == ("home", "SiteSettings"):
                return type("SiteSettings", (), {"objects": Rows})
            return historical.get_model(app, name)

    migration.carry_due_day(Apps(), None)
    assert DebtSettings.current().electricity_due_day == 12
    assert partnership_settings(None).payment_due_day == 12
