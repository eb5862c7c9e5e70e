"""Personal pages and files are never stored by a browser or a shared cache.

The cabinet (and its exports) and the account pages show one member's data; without
`Cache-Control: no-store` a shared computer's back button shows them again after logout.
A document served to a signed-in reader may come from a private collection, and Wagtail marks
only its refusals, not the file itself. One prefix list here instead of a decorator on every
view, so a new cabinet page is covered as soon as it is routed. Wagtail already marks the
admin and private pages.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

PERSONAL_PREFIXES = ("/cabinet/", "/accounts/")
# Answered according to who asks (cms/urls.py): kept out of caches when someone is signed in.
BY_PERMISSION_PREFIXES = ("/documents/",)


def _personal(request: HttpRequest) -> bool:
    if request.path_info.startswith(PERSONAL_PREFIXES):
        return True
    if request.path_info.startswith(BY_PERMISSION_PREFIXES):
        user = getattr(request, "user", None)
        return user is not None and user.is_authenticated
    return False


class PersonalPagesNoStoreMiddleware:
    """`Cache-Control: max-age=0, no-cache, no-store, must-revalidate, private` on personal answers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _personal(request):
            add_never_cache_headers(response)  # also replaces any "public" with "private"
        return response
