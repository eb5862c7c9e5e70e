"""Walk the URL conf and turn every pattern into a concrete path, and classify responses.

Path parameters are filled from `ObjectIds` by (route prefix, parameter name): a page id where
a page is meant, a tariff where the tariff snippet's pk is, and so on.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlparse

from django.urls import URLPattern, URLResolver, get_resolver

OK, FORBIDDEN, NOT_FOUND, NOT_ALLOWED, ERROR = 200, 403, 404, 405, 500
LOGIN = "login"  # a redirect to the site's (allauth) login or Wagtail's, which leads there
DENIED = "denied"  # Wagtail's «Sorry, you do not have permission»: a redirect to the dashboard
REDIRECT = "redirect"  # any other redirect
ROLES = ("anonymous", "member", "treasurer", "editor", "superuser")
LOGIN_PATHS = {"/accounts/login/", "/admin/login/"}
ADMIN_HOME = "/admin/"


def url_routes() -> list[str]:
    """Every pattern of the URL conf as one route string (prefixes joined), in resolution order."""

    def walk(resolver: URLResolver, prefix: str):
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, route)
            else:
                assert isinstance(pattern, URLPattern)
                yield route

    return list(dict.fromkeys(walk(get_resolver(), "")))


@dataclass(frozen=True)
class Fill:
    """The value of `name` in routes that start with `prefix` (the longest prefix wins)."""

    prefix: str
    name: str
    value: str


CONVERTER = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")
NAMED_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?:[^()]|\([^()]*\))*\)")


def fill_route(route: str, fills: list[Fill], overrides: dict[str, str]) -> str:
    """A concrete path for `route`; `overrides` give whole paths for routes with unnamed groups."""
    if route in overrides:
        return overrides[route]

    def value(name: str) -> str:
        matches = [f for f in fills if f.name == name and route.startswith(f.prefix)]
        assert matches, f"no value for <{name}> in {route!r}: add a Fill"
        return max(matches, key=lambda f: len(f.prefix)).value

    path = NAMED_GROUP.sub(lambda m: value(m["name"]), route)
    path = CONVERTER.sub(lambda m: value(m["name"]), path)
    path = path.replace("^", "").replace("$", "").replace("\\.", ".").replace("\\-", "-")
    assert not re.search(r"[()\[\]*+?\\]", path), f"cannot fill {route!r}: add an override"
    return "/" + path


def outcome(response) -> int | str:
    code = response.status_code
    if code in (301, 302, 303, 307, 308):
        path = urlparse(response["Location"]).path
        if path in LOGIN_PATHS:
            return LOGIN
        return DENIED if path == ADMIN_HOME else REDIRECT
    return code
