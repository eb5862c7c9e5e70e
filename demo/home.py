"""Demo content of the public site: settings and the page tree of СНТ «Аникино».

Idempotent: a page is looked up by slug under its parent and created only when missing,
so a second run (and an editor's later changes) are left alone.
"""

import datetime
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_supported_language_variant
from wagtail.documents import get_document_model
from wagtail.models import Collection, Locale, Page, Site

from billing.models import LineBalancePage
from demo.instruction import instruction_blocks
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
from home.pdf import content_page_pdf

DEMO_FILES = Path(__file__).resolve().parent / "files"
INSTRUCTION_TITLE = "Инструкция по работе с личным кабинетом"
BOARD_EMAIL = "pravlenie@anikino.example.org"
DEMO_PUBLISHED = datetime.date(2022, 4, 26)  # the date of the instruction

SETTINGS = {
    "full_name": "СНТ «Аникино»",
    "short_name": "СНТ Аникино",
    "tagline": "Официальный сайт СНТ Аникино: новости, объявления, личный кабинет!",
    "address": "Московская область, Раменский городской округ, д. Аникино, СНТ «Аникино»",
    "phone": "8 (999) 123-45-67",
    "email": BOARD_EMAIL,
    "vk_url": "https://vk.com/snt_anikino",
    "telegram_url": "https://t.me/snt_anikino",
    "facebook_url": "",
    "bank_recipient": "СНТ «Аникино»",
    "bank_account": "40703810500000012345",
    "bank_name": "ПАО Сбербанк",
    "bank_bic": "044525225",
    "bank_corr_account": "30101810400000000225",
    "bank_inn": "5040012347",
    "bank_kpp": "504001001",
}

ANNOUNCEMENTS = [
    (
        "obshchee-sobranie-2022",
        "Общее собрание членов СНТ 28 мая 2022 года",
        datetime.date(2022, 4, 20),
        True,
        "<p>Уважаемые садоводы! 28 мая 2022 года в 12:00 у правления состоится очередное общее собрание."
        " Повестка: отчёт правления, смета на 2022 год, размер членских взносов, выборы ревизионной"
        " комиссии.</p><p>При себе иметь паспорт и членскую книжку.</p>",
    ),
    (
        "lichnyj-kabinet",
        "Открыт личный кабинет садовода",
        datetime.date(2022, 4, 26),
        False,
        "<p>На сайте заработал личный кабинет: статус оплат по вашим участкам и показания счётчиков"
        " электричества. Как зарегистрироваться — в разделе «Помощь».</p>",
    ),
    (
        "pokazaniya-schetchikov-maj",
        "Показания счётчиков за май загружены",
        datetime.date(2022, 6, 1),
        False,
        "<p>Показания счётчиков электричества на 1 июня загружены. Посмотреть их можно в личном кабинете"
        " в разделе «Мое электричество».</p>",
    ),
    (
        "vyvoz-musora",
        "Вывоз крупногабаритного мусора",
        datetime.date(2022, 6, 10),
        False,
        "<p>18 июня с 9:00 до 13:00 у ворот будет стоять контейнер для крупногабаритного мусора."
        " Строительный мусор и шины не принимаются.</p>",
    ),
]

BOARD = [
    ("Председатель правления", "Иванов Сергей Петрович", "8 (999) 123-45-67", "Суббота, 10:00–13:00"),
    ("Казначей", "Смирнова Ольга Николаевна", "8 (999) 234-56-78", "Суббота, 11:00–14:00"),
    ("Член правления, электрохозяйство", "Кузнецов Андрей Викторович", "8 (999) 345-67-89", "По договорённости"),
    ("Член правления, секретарь", "Петрова Наталья Ивановна", "8 (999) 456-78-90", "Воскресенье, 10:00–12:00"),
]

FORM_FIELDS = [
    ("Ваше имя", "singleline", True, ""),
    ("Электронная почта", "email", True, "На этот адрес придёт ответ."),
    ("Номер участка", "singleline", False, "Например, 269"),
    ("Сообщение", "multiline", True, ""),
]


@transaction.atomic
def load_demo() -> None:
    """Create or update the demo pages and settings; running it twice changes nothing."""
    home = _home_page()
    site = _default_site(home)

    _announcements(home)
    _content_page(home, "ustav", "Устав", "Устав садоводческого некоммерческого товарищества.", _charter_body())
    _board(home)
    finance = _content_page(
        home, "finansy", "Финансы", "Тарифы, взносы и реквизиты для оплаты.", _finance_body(), show_in_menus=True
    )
    if _existing(finance, LineBalancePage, "balans-elektroenergii") is None:
        intro = "Сколько электроэнергии теряется в сетях СНТ: общий счётчик на вводе против счётчиков участков."
        _publish_child(
            finance, LineBalancePage(title="Баланс электроэнергии", slug="balans-elektroenergii", intro=intro)
        )
    contact = _contact(home)
    text = (DEMO_FILES / "instruction.txt").read_text(encoding="utf-8")
    instruction = instruction_blocks(text, form_page_id=contact.pk)
    document = _instruction_document(instruction, site)
    help_body = [
        ("document", {"document": document, "title": "Скачать инструкцию по работе с личным кабинетом"}),
        *instruction,
    ]
    _content_page(home, "pomoshch", "Помощь", INSTRUCTION_TITLE + ".", help_body, refresh=True)
    consent = _content_page(
        home,
        "soglasie",
        "Согласие на обработку персональных данных",
        "Текст согласия, которое садовод даёт при регистрации и при отправке формы.",
        _consent_body(),
        show_in_menus=False,
    )

    site_settings = SiteSettings.for_site(site)
    for name, value in SETTINGS.items():
        setattr(site_settings, name, value)
    site_settings.instruction_document = document
    site_settings.consent_page = consent
    site_settings.contact_page = contact
    site_settings.save()


def _locale() -> Locale:
    code = get_supported_language_variant(settings.LANGUAGE_CODE)
    return Locale.objects.get_or_create(language_code=code)[0]


def _home_page() -> HomePage:
    existing = HomePage.objects.first()
    if existing:
        return existing
    root = Page.get_first_root_node() or Page.add_root(title="Root", locale=_locale())
    home = HomePage(title="Главная", slug="snt", locale=_locale())
    root.add_child(instance=home)
    _publish(home)
    return home


def _default_site(home: HomePage) -> Site:
    """Point the default site at the home page and drop Wagtail's «Welcome» page."""
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name=SETTINGS["full_name"]
        )
    elif site.root_page_id != home.pk:
        old_root = site.root_page
        site.root_page = home
        site.site_name = SETTINGS["full_name"]
        site.save()
        if type(old_root.specific) is Page and not old_root.get_children().exists():
            old_root.delete()
    return site


def _publish_child(parent: Page, page: Page, *, published: datetime.date = DEMO_PUBLISHED) -> Page:
    page.locale = parent.locale
    parent.add_child(instance=page)
    _publish(page, published)
    return page


def _publish(page: Page, published: datetime.date = DEMO_PUBLISHED) -> None:
    """Publish as of the demo's own date, not the load day: the sitemap's lastmod reads it."""
    page.save_revision().publish()
    moment = timezone.make_aware(datetime.datetime.combine(published, datetime.time(12)))
    Page.objects.filter(pk=page.pk).update(first_published_at=moment, last_published_at=moment)
    page.first_published_at = page.last_published_at = moment


def _existing(parent: Page, model, slug: str):
    return model.objects.child_of(parent).filter(slug=slug).first()


def _content_page(home, slug, title, intro, body, *, show_in_menus=True, refresh=False) -> ContentPage:
    """Create the page when missing; with `refresh`, also bring an older demo's body up to date."""
    page = _existing(home, ContentPage, slug)
    if page is None:
        page = _publish_child(
            home, ContentPage(title=title, slug=slug, intro=intro, body=body, show_in_menus=show_in_menus)
        )
    elif refresh and _blocks(page.body) != _blocks(ContentPage(body=body).body):
        page.body = body
        _publish(page)
    return page


def _blocks(body) -> object:
    """A StreamField's blocks without their random ids (list items have them too), to compare two bodies."""

    def strip(value: object) -> object:
        if isinstance(value, dict):
            return {key: strip(item) for key, item in value.items() if key != "id"}
        if isinstance(value, list):
            return [strip(item) for item in value]
        return value

    return strip(body.get_prep_value())


def _announcements(home) -> AnnouncementIndexPage:
    index = _existing(home, AnnouncementIndexPage, "obyavleniya")
    if index is None:
        index = _publish_child(
            home,
            AnnouncementIndexPage(
                title="Объявления",
                slug="obyavleniya",
                intro="<p>Новости и объявления правления.</p>",
                show_in_menus=True,
            ),
        )
    for slug, title, date, pinned, body in ANNOUNCEMENTS:
        if _existing(index, AnnouncementPage, slug) is None:
            _publish_child(
                index, AnnouncementPage(title=title, slug=slug, date=date, pinned=pinned, body=body), published=date
            )
    return index


def _board(home) -> BoardPage:
    page = _existing(home, BoardPage, "pravlenie")
    if page is None:
        page = BoardPage(
            title="Правление",
            slug="pravlenie",
            intro="<p>Правление избрано общим собранием членов СНТ. Вопросы можно задать в часы приёма.</p>",
            show_in_menus=True,
        )
        page.members = [
            BoardMember(role=role, name=name, phone=phone, reception_hours=hours, email=BOARD_EMAIL if i == 0 else "")
            for i, (role, name, phone, hours) in enumerate(BOARD)
        ]
        _publish_child(home, page)
    return page


def _contact(home) -> ContactPage:
    page = _existing(home, ContactPage, "kontakty")
    if page is None:
        page = ContactPage(
            title="Контакты",
            slug="kontakty",
            intro="<p>Напишите правлению: вопрос по участку, ошибка в начислениях, нет данных в личном кабинете.</p>",
            thank_you_text="<p>Спасибо! Сообщение отправлено правлению, мы ответим на указанную почту.</p>",
            to_address=BOARD_EMAIL,
            from_address="noreply@anikino.example.org",
            subject="Сообщение с сайта СНТ «Аникино»",
            show_in_menus=True,
        )
        page.form_fields = [
            ContactFormField(label=label, field_type=kind, required=required, help_text=help_text)
            for label, kind, required, help_text in FORM_FIELDS
        ]
        _publish_child(home, page)
    return page


def _instruction_document(blocks: list, site: Site):
    """The instruction as a PDF of the «Помощь» page's own blocks (an older demo's TXT is replaced)."""
    document_model = get_document_model()
    document = document_model.objects.filter(title=INSTRUCTION_TITLE).first()
    if document is None or not document.file.name.endswith(".pdf"):
        page = ContentPage(title="Помощь", intro=INSTRUCTION_TITLE, body=blocks)
        pdf = content_page_pdf(page, base_url=site.root_url)
        if document is None:
            collection = Collection.get_first_root_node() or Collection.add_root(name="Root")
            document = document_model(title=INSTRUCTION_TITLE, collection=collection)
        document.file.save("instrukciya-lichnyj-kabinet.pdf", ContentFile(pdf), save=False)
        document.file_size = len(pdf)
        document.save()
    return document


def _table(rows: list[list[str]], caption: str = "") -> dict:
    return {
        "data": rows,
        "first_row_is_table_header": True,
        "first_col_is_header": False,
        "table_header_choice": "row",
        "table_caption": caption,
    }


def _charter_body() -> list:
    return [
        ("heading", "1. Общие положения"),
        (
            "paragraph",
            "<p>Садоводческое некоммерческое товарищество «Аникино» создано гражданами для совместного"
            " владения и пользования имуществом общего пользования и действует по Федеральному закону"
            " № 217-ФЗ.</p>",
        ),
        ("heading", "2. Членство в товариществе"),
        (
            "paragraph",
            "<ul><li>Членами товарищества могут быть правообладатели садовых участков.</li>"
            "<li>Приём в члены — по заявлению, решением правления.</li>"
            "<li>Член товарищества обязан своевременно уплачивать членские и целевые взносы.</li></ul>",
        ),
        ("heading", "3. Взносы"),
        (
            "paragraph",
            "<p>Размер взносов утверждает общее собрание. Членские взносы вносятся до 1 июля текущего года,"
            " оплата электроэнергии — ежемесячно до 5 числа.</p>",
        ),
        ("heading", "4. Органы управления"),
        (
            "paragraph",
            "<p>Высший орган — общее собрание членов товарищества. Текущую деятельность ведут председатель и"
            " правление, контроль — ревизионная комиссия.</p>",
        ),
    ]


def _finance_body() -> list:
    return [
        ("heading", "Тарифы на электроэнергию"),
        (
            "table",
            _table(
                [
                    ["Учёт", "Зона", "Тариф, ₽/кВт·ч"],
                    ["Однотарифный", "круглосуточно", "5.93"],
                    ["Двухтарифный", "день (T1)", "6.82"],
                    ["Двухтарифный", "ночь (T2)", "2.65"],
                ],
                "Тарифы с 1 июля 2021 года",
            ),
        ),
        ("heading", "Взносы на 2022 год"),
        (
            "table",
            _table(
                [
                    ["Статья", "Размер"],
                    ["Членские взносы 2022", "1 000,00 ₽ за сотку"],
                    ["Целевой взнос на ремонт дороги", "3 000,00 ₽ с участка"],
                ]
            ),
        ),
        ("heading", "Реквизиты для оплаты"),
        (
            "paragraph",
            "<p>Получатель: СНТ «Аникино», ИНН 5040012345, КПП 504001001,<br/>р/с 40703810400000012345"
            " в ПАО Сбербанк, БИК 044525225, к/с 30101810400000000225.</p>"
            "<p>В назначении платежа укажите номер участка и статью, например: «Участок 269, членские взносы"
            " 2022».</p>",
        ),
    ]


def _consent_body() -> list:
    return [
        (
            "paragraph",
            "<p>Регистрируясь на сайте или отправляя форму обратной связи, я даю СНТ «Аникино» согласие на"
            " обработку моих персональных данных: номера участка, фамилии, имени и отчества, адреса"
            " электронной почты и номера мобильного телефона.</p>"
            "<p>Цель обработки — ведение реестра членов товарищества, учёт взносов и платежей за"
            " электроэнергию, отправка сообщений о показаниях счётчиков и ответов на обращения.</p>"
            "<p>Данные не передаются третьим лицам, кроме случаев, предусмотренных законом. Согласие"
            " действует до его отзыва; отозвать его можно, написав правлению через форму обратной"
            " связи.</p>",
        ),
    ]
