"""Values an editor changes without a programmer: the СНТ's name, contacts, bank details."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.http import HttpRequest
from django.http.request import split_domain_port
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Site
from wagtail.models.sites import MATCH_DEFAULT, MATCH_HOSTNAME, MATCH_HOSTNAME_DEFAULT, MATCH_HOSTNAME_PORT

from cms.queries import CompiledQuery
from home.requisites import bank_details_errors

digits = RegexValidator(r"^\d*$", "Только цифры.")


@register_setting(icon="cog")
class SiteSettings(BaseSiteSetting):
    """Read by every app: `SiteSettings.for_request(request)` or `SiteSettings.for_site(site)`."""

    full_name = models.CharField("полное название", max_length=255, default="СНТ")
    short_name = models.CharField(
        "краткое название для SMS",
        max_length=40,
        default="СНТ",
        help_text="Подпись в начале SMS, например «СНТ Аникино».",
    )
    tagline = models.CharField("девиз под названием", max_length=255, blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="логотип",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    address = models.CharField("адрес", max_length=255, blank=True)
    phone = models.CharField("телефон", max_length=50, blank=True)
    email = models.EmailField("электронная почта", blank=True)
    vk_url = models.URLField("ВКонтакте", blank=True)
    telegram_url = models.URLField("Telegram", blank=True)
    facebook_url = models.URLField("Facebook", blank=True)

    bank_recipient = models.CharField("получатель платежа", max_length=255, blank=True)
    bank_account = models.CharField("расчётный счёт", max_length=20, blank=True, validators=[digits])
    bank_name = models.CharField("банк", max_length=255, blank=True)
    bank_bic = models.CharField("БИК", max_length=9, blank=True, validators=[digits])
    bank_corr_account = models.CharField("корреспондентский счёт", max_length=20, blank=True, validators=[digits])
    bank_inn = models.CharField("ИНН", max_length=12, blank=True, validators=[digits])
    bank_kpp = models.CharField("КПП", max_length=9, blank=True)  # letters allowed in places 5–6: clean() checks
    chairman_name = models.CharField(
        "председатель правления", max_length=255, blank=True, help_text="ФИО: подписывает акт сверки."
    )
    treasurer_name = models.CharField("казначей", max_length=255, blank=True, help_text="ФИО: подписывает акт сверки.")

    instruction_document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name="инструкция по работе с личным кабинетом",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    consent_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name="страница согласия на обработку персональных данных",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contact_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name="страница формы обратной связи",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Куда ведёт ссылка «напишите правлению» в личном кабинете.",
    )

    # Both pages and the instruction come with the settings' own query: every page links them
    # (footer, help box, cabinet).
    select_related = ["consent_page", "contact_page", "instruction_document"]

    panels = [
        MultiFieldPanel(
            [FieldPanel("full_name"), FieldPanel("short_name"), FieldPanel("tagline"), FieldPanel("logo")],
            heading="Название",
        ),
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldPanel("phone"),
                FieldPanel("email"),
                FieldPanel("vk_url"),
                FieldPanel("telegram_url"),
                FieldPanel("facebook_url"),
            ],
            heading="Контакты",
        ),
        MultiFieldPanel(
            [
                FieldPanel("bank_recipient"),
                FieldPanel("bank_account"),
                FieldPanel("bank_name"),
                FieldPanel("bank_bic"),
                FieldPanel("bank_corr_account"),
                FieldPanel("bank_inn"),
                FieldPanel("bank_kpp"),
            ],
            heading="Реквизиты для оплаты",
            help_text="Срок оплаты электроэнергии и взносов — в «Настройки» → «Сроки оплаты и напоминания».",
        ),
        MultiFieldPanel([FieldPanel("chairman_name"), FieldPanel("treasurer_name")], heading="Правление"),
        MultiFieldPanel(
            [FieldPanel("instruction_document"), FieldPanel("consent_page"), FieldPanel("contact_page")],
            heading="Документы",
        ),
    ]

    class Meta:
        verbose_name = "настройки сайта"
        verbose_name_plural = "настройки сайта"

    def __str__(self):
        return self.full_name

    @classmethod
    def for_request(cls, request):
        """As Wagtail's, but the request's Site and its settings come in one query (see
        `site_with_settings`) when neither was looked up yet."""
        if not hasattr(request, cls.get_cache_attr_name()) and not hasattr(request, "_wagtail_site"):
            site_with_settings(request)
        return super().for_request(request)

    def clean(self):
        """A payment QR code with a wrong account or INN is refused by the member's bank app."""
        super().clean()
        errors = bank_details_errors(
            account=self.bank_account,
            bic=self.bank_bic,
            corr_account=self.bank_corr_account,
            inn=self.bank_inn,
            kpp=self.bank_kpp,
        )
        if errors:
            raise ValidationError(errors)

    @property
    def social_links(self) -> list[tuple[str, str]]:
        """(label, url) pairs of the filled-in social networks, for the header and footer."""
        links = [("ВКонтакте", self.vk_url), ("Telegram", self.telegram_url), ("Facebook", self.facebook_url)]
        return [(label, url) for label, url in links if url]


SETTINGS_RELATED = ["root_page", "sitesettings", *(f"sitesettings__{name}" for name in SiteSettings.select_related)]
# What is read of the three joined pages (the root, the consent and the contact page: their URL and
# place in the tree) and of the instruction (its URL). Fewer columns, less for Django to build.
_PAGE_FIELDS = ("path", "depth", "numchild", "url_path", "title", "slug", "live", "content_type", "locale")
_PAGE_FIELDS += ("translation_key", "alias_of", "show_in_menus")
SETTINGS_ONLY = [
    *(field.name for field in Site._meta.concrete_fields),
    *(f"sitesettings__{field.name}" for field in SiteSettings._meta.concrete_fields),
    *(f"sitesettings__instruction_document__{name}" for name in ("title", "file", "collection")),
    *(
        f"{page}__{name}"
        for page in ("root_page", "sitesettings__consent_page", "sitesettings__contact_page")
        for name in _PAGE_FIELDS
    ),
]


def _match(site: Site, hostname: str, port: int) -> int:
    """Wagtail's rank of a site for the request (`get_site_for_hostname`'s `Case`), in Python."""
    if site.hostname == hostname:
        if site.port == port:
            return MATCH_HOSTNAME_PORT
        if site.is_default_site:
            return MATCH_HOSTNAME_DEFAULT
        return MATCH_HOSTNAME
    return MATCH_DEFAULT


_sites_with_settings = CompiledQuery(
    lambda hostname: (
        Site.objects.filter(Q(hostname=hostname) | Q(is_default_site=True))
        .order_by()
        .select_related(*SETTINGS_RELATED)
        .only(*SETTINGS_ONLY)
    )
)


def site_with_settings(request: HttpRequest) -> Site | None:
    """`Site.find_for_request` with the site's settings joined: one query where Wagtail and
    `SiteSettings.for_request` make two. Both are kept on the request where Wagtail looks for them.
    Wagtail's own choice among the matching sites (`wagtail.models.sites.get_site_for_hostname`),
    ranked in Python: an SQL `Case` and `ORDER BY` cost Django more to build than the query runs."""
    hostname, port = split_domain_port(request._get_raw_host())[0], request.get_port()
    sites = sorted(_sites_with_settings(hostname), key=lambda site: _match(site, hostname, port))
    matches = [_match(site, hostname, port) for site in sites]
    site = None
    if len(sites) == 1 or (sites and matches[0] in (MATCH_HOSTNAME_PORT, MATCH_HOSTNAME_DEFAULT)):
        site = sites[0]
    elif sites and matches[0] == MATCH_DEFAULT:
        site = sites[len(sites) == 2]
    request._wagtail_site = site
    site_settings = getattr(site, "sitesettings", None) if site is not None else None
    if site_settings is not None:  # else Wagtail's for_request creates the row as it always has
        site_settings._request = request
        setattr(request, SiteSettings.get_cache_attr_name(), site_settings)
    return site
