"""What the «Мои данные» menu and the account pages need on every page, computed only when used."""

import datetime
from functools import cached_property

from django.http import HttpRequest

from billing.selectors import payment_status_date
from members.partnership import partnership_settings


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
        return partnership_settings(self.request).contact_url

    @cached_property
    def consent_url(self) -> str:
        """The consent page chosen in the site settings, for the signup form and the privacy page."""
        return partnership_settings(self.request).consent_url


def cabinet(request: HttpRequest) -> dict[str, CabinetContext]:
    return {"cabinet": CabinetContext(request)}
