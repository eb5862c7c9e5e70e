"""Personal pages are never stored by a browser or a proxy.

The cabinet (and its exports) and the account pages show one member's data; without
`Cache-Control: no-store` a shared computer's back button shows them again after logout.
One prefix list here instead of a decorator on every view, so a new cabinet page is covered
as soon as it is routed. Wagtail already does the same for the admin, private pages and
private documents.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

PERSONAL_PREFIXES = ("/cabinet/", "/accounts/")


class PersonalPagesNoStoreMiddleware:
    """`Cache-Control: max-age=0, no-cache, no-store, must-revalidate, private` under the prefixes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path_info.startswith(PERSONAL_PREFIXES):
            add_never_cache_headers(response)  # also replaces any "public" with "private"
        return response
