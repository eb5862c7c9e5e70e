"""Build the few public pages a test needs (not the whole demo)."""

import datetime
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import get_supported_language_variant
from wagtail.documents import get_document_model
from wagtail.models import Collection, Locale, Page, Site

from home.models import (
    AnnouncementIndexPage,
    AnnouncementPage,
    BoardMember,
    BoardPage,
    ContactFormField,
    ContactPage,
    ContentPage,
    HomePage,
    SiteSettings,
)

BOARD_EMAIL = "board@example.org"


def root_page() -> Page:
    """Wagtail's tree root; a transactional test's flush removes the migration's one, so recreate it."""
    locale = Locale.objects.get_or_create(language_code=get_supported_language_variant(settings.LANGUAGE_CODE))[0]
    return Page.get_first_root_node() or Page.add_root(title="Root", locale=locale)


def publish(parent: Page, page: Page) -> Page:
    page.locale_id = parent.locale_id
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def make_home(**fields) -> HomePage:
    """A HomePage that the default site serves at /."""
    root = root_page()
    title, slug = fields.pop("title", "Главная"), fields.pop("slug", "home-test")
    home = publish(root, HomePage(title=title, slug=slug, **fields))
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    else:
        site.root_page = home
        site.save()
    return home


def make_announcement(index: AnnouncementIndexPage, title: str, date: datetime.date, **fields) -> AnnouncementPage:
    body = fields.pop("body", f"<p>{title}: текст объявления.</p>")
    return publish(index, AnnouncementPage(title=title, date=date, body=body, **fields))


def make_document(title: str = "Инструкция", content: bytes = "Текст инструкции".encode()):
    collection = Collection.get_first_root_node() or Collection.add_root(name="Root")
    document = get_document_model()(title=title, collection=collection)
    document.file.save("instrukciya.txt", ContentFile(content), save=False)
    document.save()
    return document


def make_contact(parent: Page, **fields) -> ContactPage:
    page = ContactPage(
        title=fields.pop("title", "Контакты"),
        slug=fields.pop("slug", "kontakty"),
        to_address=fields.pop("to_address", BOARD_EMAIL),
        from_address="noreply@example.org",
        subject="Сообщение с сайта",
        show_in_menus=True,
        **fields,
    )
    page.form_fields = [
        ContactFormField(label="Ваше имя", field_type="singleline", required=True),
        ContactFormField(label="Электронная почта", field_type="email", required=True),
        ContactFormField(label="Номер участка", field_type="singleline", required=False),
        ContactFormField(label="Сообщение", field_type="multiline", required=True),
    ]
    return publish(parent, page)


@dataclass
class SitePages:
    home: HomePage
    announcements: AnnouncementIndexPage
    pinned: AnnouncementPage
    latest: AnnouncementPage
    older: AnnouncementPage
    charter: ContentPage
    board: BoardPage
    finance: ContentPage
    contact: ContactPage
    help: ContentPage
    consent: ContentPage
    settings: SiteSettings

    @property
    def menu_pages(self) -> list[Page]:
        """The pages of the main menu in the instruction's order (without «Мои данные»)."""
        return [self.announcements, self.charter, self.board, self.finance, self.contact, self.help]


def build_site_pages() -> SitePages:
    """The public tree: every menu page, three announcements (one pinned), settings with contacts.

    Children are added in an order different from the menu's to prove the menu sorts them.
    """
    home = make_home()
    help_page = _help_page(home)
    contact = make_contact(home)
    board = _board_page(home)
    finance = _finance_page(home)
    charter = _charter_page(home)
    announcements = publish(home, AnnouncementIndexPage(title="Объявления", slug="obyavleniya", show_in_menus=True))
    pinned = make_announcement(announcements, "Общее собрание", datetime.date(2022, 4, 20), pinned=True)
    older = make_announcement(announcements, "Вывоз мусора", datetime.date(2022, 5, 1))
    latest = make_announcement(announcements, "Показания загружены", datetime.date(2022, 6, 1))
    consent = _consent_page(home)
    site_settings = _site_settings(consent)
    return SitePages(
        home=home,
        announcements=announcements,
        pinned=pinned,
        latest=latest,
        older=older,
        charter=charter,
        board=board,
        finance=finance,
        contact=contact,
        help=help_page,
        consent=consent,
        settings=site_settings,
    )


def _help_page(home: Page) -> Page:
    """«Помощь»: a heading and a paragraph."""
    return publish(
        home,
        ContentPage(
            title="Помощь",
            slug="pomoshch",
            body=[("heading", "Как зарегистрироваться"), ("paragraph", "<p>Нажмите «Зарегистрироваться».</p>")],
            show_in_menus=True,
        ),
    )


def _board_page(home: Page) -> Page:
    """«Правление»: the chairman with a phone, the treasurer with reception hours."""
    board = BoardPage(title="Правление", slug="pravlenie", show_in_menus=True)
    board.members = [
        BoardMember(role="Председатель правления", name="Иванов Сергей Петрович", phone="8 999 000-00-01"),
        BoardMember(role="Казначей", name="Смирнова Ольга Николаевна", reception_hours="Суббота, 11:00–14:00"),
    ]
    return publish(home, board)


def _finance_page(home: Page) -> Page:
    """«Финансы»: a table of tariffs."""
    return publish(
        home,
        ContentPage(
            title="Финансы",
            slug="finansy",
            body=[
                (
                    "table",
                    {
                        "data": [["Зона", "Тариф"], ["день", "6.82"], ["ночь", "2.65"]],
                        "first_row_is_table_header": True,
                        "first_col_is_header": False,
                        "table_header_choice": "row",
                    },
                )
            ],
            show_in_menus=True,
        ),
    )


def _charter_page(home: Page) -> Page:
    """«Устав», with an intro."""
    return publish(
        home,
        ContentPage(
            title="Устав",
            slug="ustav",
            intro="Устав товарищества",
            body=[("heading", "Общие положения"), ("paragraph", "<p>Товарищество создано садоводами.</p>")],
            show_in_menus=True,
        ),
    )


def _consent_page(home: Page) -> Page:
    """The consent to personal data processing, outside the menu."""
    return publish(
        home,
        ContentPage(
            title="Согласие на обработку персональных данных",
            slug="soglasie",
            body=[("paragraph", "<p>Я даю согласие.</p>")],
            show_in_menus=False,
        ),
    )


def _site_settings(consent: Page) -> SiteSettings:
    """The partnership's names and contacts, the instruction and the consent page."""
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.full_name = "СНТ «Тестовое»"
    site_settings.short_name = "СНТ Тестовое"
    site_settings.tagline = "Официальный сайт тестового СНТ"
    site_settings.address = "Тестовая область, д. Тестово"
    site_settings.phone = "8 (999) 111-22-33"
    site_settings.email = "info@test-snt.example.org"
    site_settings.vk_url = "https://vk.com/test_snt"
    site_settings.instruction_document = make_document()
    site_settings.consent_page = consent
    site_settings.save()
    return site_settings


@pytest.fixture
def site_pages(db) -> SitePages:
    """The public page tree (see build_site_pages); works with `transactional_db` too."""
    return build_site_pages()
