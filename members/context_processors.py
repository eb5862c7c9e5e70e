"""What the «Мои данные» menu and the account pages need on every page, computed only when used."""

import datetime
from functools import cached_property

from django.conf import settings
from django.http import HttpRequest
from wagtail.models import Page

from billing.selectors import payment_status_date
from members.sitename import contact_page_url

CONSENT_PAGE_SLUG = "soglasie"


class CabinetContext:
    """Lazy: a page that never shows the menu item runs no query; one that does runs one."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    @cached_property
    def payment_status_date(self) -> datetime.date | None:
        return payment_status_date()

    @cached_property
    def plot_label(self) -> str:
        """The menu names the profile page after the login when it is a plot number."""
        username = self.request.user.get_username() if self.request.user.is_authenticated else ""
        return username if username.isdigit() else "Регистрационные данные"

    @cached_property
    def contact_url(self) -> str | None:
        """The feedback form, for «напишите правлению» on the account pages."""
        return contact_page_url(self.request)

    @cached_property
    def consent_url(self) -> str:
        page = Page.objects.live().filter(slug=CONSENT_PAGE_SLUG).first()
        url = page.get_url(self.request) if page is not None else None
        return url or getattr(settings, "MEMBERS_CONSENT_URL", f"/{CONSENT_PAGE_SLUG}/")


def cabinet(request: HttpRequest) -> dict[str, CabinetContext]:
    return {"cabinet": CabinetContext(request)}
