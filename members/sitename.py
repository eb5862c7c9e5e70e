"""The partnership's name for emails, read from the public site's settings without importing home."""

from django.apps import apps
from django.conf import settings
from django.http import HttpRequest
from wagtail.models import Page, Site


def snt_name(request: HttpRequest | None = None) -> str:
    """Full name from home's SiteSettings («СНТ «Аникино»»), else WAGTAIL_SITE_NAME."""
    fallback = getattr(settings, "WAGTAIL_SITE_NAME", "") or "СНТ"
    try:
        site_settings_model = apps.get_model("home", "SiteSettings")
    except LookupError:
        return fallback
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return fallback
    return getattr(site_settings_model.for_site(site), "full_name", "") or fallback


def contact_page_url(request: HttpRequest | None = None) -> str | None:
    """The feedback form's page (home.ContactPage), found without importing `home`."""
    page = Page.objects.live().filter(content_type__app_label="home", content_type__model="contactpage").first()
    return page.get_url(request) if page is not None else None
