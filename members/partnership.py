"""The one door from `members` to the partnership's settings, which live in `home`.

Name, SMS signature, bank details, the board's names and the two pages the cabinet links (the
consent text and the feedback form) are editor-managed values of `home.SiteSettings`. Everything
in `members` reads them here, through a plain import the import graph can see: `members → home`
(home imports nothing of members). One query per request for the site and its settings, shared with `base.html`
(Wagtail caches `SiteSettings.for_request` on the request), and both pages come with it.
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.http import HttpRequest
from wagtail.models import Page, Site

from billing.models import DebtSettings
from home import slugs
from home.models import ContactPage, SiteSettings
from home.models.settings import site_with_settings

BANK_FIELDS = (
    "bank_recipient",
    "bank_account",
    "bank_name",
    "bank_bic",
    "bank_corr_account",
    "bank_inn",
    "bank_kpp",
)
REQUEST_ATTR = "_snt_partnership"


@dataclass(frozen=True)
class Partnership:
    """What members needs of the partnership, for one site. The two page URLs are worked out on
    first use: a page that links neither (the SMS run, the electricity table) pays nothing for them."""

    full_name: str  # «СНТ «Аникино»»: emails, page titles
    short_name: str  # «СНТ Аникино»: the SMS signature
    bank: dict[str, str]  # SiteSettings' bank_* field → its value, stripped; "" when not filled in
    consent_page: Page | None = field(default=None, repr=False)  # as chosen in the settings
    contact_page: Page | None = field(default=None, repr=False)  # as chosen in the settings
    chairman_name: str = ""
    treasurer_name: str = ""
    request: HttpRequest | None = field(default=None, repr=False, compare=False)

    @cached_property
    def payment_due_day(self) -> int:
        """«Оплатить до 5 числа»: billing's due day of electricity, read on first use."""
        return DebtSettings.current().electricity_due_day

    @cached_property
    def consent_url(self) -> str:
        """The consent to personal-data processing (signup, privacy page): the page chosen in the
        settings; on a site that chose none, the page found by slug as before the setting existed;
        else MEMBERS_CONSENT_URL."""
        url = _live_url(self.consent_page, self.request)
        if url is None and self.consent_page is None:
            page = Page.objects.live().filter(slug=slugs.CONSENT).order_by("path").first()
            url = _live_url(page, self.request)
        return url or getattr(settings, "MEMBERS_CONSENT_URL", f"/{slugs.CONSENT}/")

    @cached_property
    def contact_url(self) -> str | None:
        """The feedback form, for «напишите правлению»: the page chosen in the settings; on a site
        that chose none, the first live feedback form; None without one."""
        if self.contact_page is not None:
            return _live_url(self.contact_page, self.request)
        return _live_url(ContactPage.objects.live().order_by("path").first(), self.request)


def partnership_settings(request: HttpRequest | None = None) -> Partnership:
    """The settings of the request's site (without a request, of the default site), once per request."""
    if request is not None and hasattr(request, REQUEST_ATTR):
        return getattr(request, REQUEST_ATTR)
    partnership = _partnership(_site_settings(request), request)
    if request is not None:
        setattr(request, REQUEST_ATTR, partnership)
    return partnership


def _site_settings(request: HttpRequest | None) -> SiteSettings | None:
    if request is not None:
        # Wagtail caches both on the request (base.html reads the same instance), found together in
        # one query; a request that matches no site also finds no default site.
        if not hasattr(request, "_wagtail_site"):
            site_with_settings(request)
        return SiteSettings.for_request(request) if Site.find_for_request(request) is not None else None
    site = Site.objects.filter(is_default_site=True).first()
    return SiteSettings.for_site(site) if site is not None else None


def _partnership(site_settings: SiteSettings | None, request: HttpRequest | None) -> Partnership:
    fallback_name = getattr(settings, "WAGTAIL_SITE_NAME", "") or "СНТ"
    if site_settings is None:
        return Partnership(
            full_name=fallback_name,
            short_name=fallback_name,
            bank=dict.fromkeys(BANK_FIELDS, ""),
            request=request,
        )
    return Partnership(
        full_name=site_settings.full_name or fallback_name,
        short_name=site_settings.short_name or fallback_name,
        bank={name: (getattr(site_settings, name) or "").strip() for name in BANK_FIELDS},
        consent_page=site_settings.consent_page,  # loaded with the settings (select_related)
        contact_page=site_settings.contact_page,
        chairman_name=site_settings.chairman_name.strip(),
        treasurer_name=site_settings.treasurer_name.strip(),
        request=request,
    )


def _live_url(page: Page | None, request: HttpRequest | None) -> str | None:
    return (page.get_url(request) or None) if page is not None and page.live else None
