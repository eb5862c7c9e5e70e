"""What the «Мои данные» menu and the account pages need on every page, computed only when used."""

import datetime
from functools import cached_property

from django.conf import settings
from django.http import HttpRequest
from django.urls import ResolverMatch

from billing.selectors import payment_status_date
from members.partnership import partnership_settings


class CabinetContext:
    """Lazy: a page that never shows the menu item runs no query; one that does runs one."""

    class Unread:
        """The payment status date not read yet (None is a date that was read: there is no data)."""

    UNREAD = Unread()

    def __init__(self, request: HttpRequest, *, payment_status_date: datetime.date | None | Unread = UNREAD) -> None:
        self.request = request
        self._payment_status_date = payment_status_date

    @property
    def payment_status_date(self) -> datetime.date | None:
        """«Статус моих оплат от …» in the menu. A view that has read the date for its own content
        passes it in (the payments page). Every other signed-in page — Wagtail's, allauth's, the
        rest of the cabinet — has no use for it but the menu, so it is read here, explicitly and
        once, when the menu first asks: one query over the import batches, none where it is not shown."""
        if isinstance(self._payment_status_date, self.Unread):
            self._payment_status_date = member_payment_status_date(self.request.user)
        return self._payment_status_date

    @cached_property
    def _resolved(self) -> ResolverMatch | None:
        return getattr(self.request, "resolver_match", None)

    @cached_property
    def current_view(self) -> str:
        """The page's view name («cabinet:payments»): the menu marks the item of that view."""
        return self._resolved.view_name if self._resolved is not None else ""

    @cached_property
    def on_account_page(self) -> bool:
        """One of allauth's account pages (email, password, …), whose URL names start «account_»."""
        return self._resolved is not None and (self._resolved.url_name or "").startswith("account_")

    @cached_property
    def in_menu_section(self) -> bool:
        """«Мои данные» is the open section on the cabinet's pages (the URL namespaces that
        settings.CABINET_URL_NAMESPACES names: cms wires other apps' member pages in) and on the account pages."""
        if self._resolved is None:
            return False
        namespaces = getattr(settings, "CABINET_URL_NAMESPACES", ("cabinet",))
        return any(name in namespaces for name in self._resolved.namespaces) or self.on_account_page

    @cached_property
    def plot_label(self) -> str:
        """The menu names the profile page after the login when it is a plot number."""
        username = self.request.user.get_username() if self.request.user.is_authenticated else ""
        return username if username.isdigit() else "Регистрационные данные"

    @cached_property
    def contact_url(self) -> str | None:
        """The feedback form, for «напишите правлению» on the account pages."""
        return partnership_settings(self.request).contact_url

    @cached_property
    def consent_url(self) -> str:
        """The consent page chosen in the site settings, for the signup form and the privacy page."""
        return partnership_settings(self.request).consent_url


def member_payment_status_date(user) -> datetime.date | None:
    """The date as read with the member's own row (members.backends), else in a query of its own."""
    if hasattr(user, "payment_status_date"):
        return user.payment_status_date
    return payment_status_date()


def cabinet(request: HttpRequest) -> dict[str, CabinetContext]:
    return {"cabinet": CabinetContext(request)}
