"""The partnership's name for emails (see members.partnership, the door to the site settings)."""

from django.http import HttpRequest

from members.partnership import partnership_settings


def snt_name(request: HttpRequest | None = None) -> str:
    """Full name from the site settings («СНТ «Аникино»»), else WAGTAIL_SITE_NAME."""
    return partnership_settings(request).full_name
