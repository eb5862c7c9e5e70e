"""Who may open what: every pattern of the URL conf and every page of the tree, for five roles.

The tables in url_policy are the access policy. A pattern or page type missing from them fails the
test, so a new URL has to be classified before it ships. Requests are GETs with parameters
filled from real objects (see urlwalk.Fill and world.fills); a 500 is never acceptable.
"""

import pytest
from django.test import Client
from wagtail.models import Page

from home.models import ContentPage
from tests.factories import PASSWORD
from tests.security.url_policy import PAGE_ACCESS, URL_ACCESS
from tests.security.urlwalk import OK, ROLES, fill_route, outcome, url_routes
from tests.security.world import (
    SECRET_NAME,
    SECRET_PAYMENT,
    SECRET_PHONE,
    SECRET_PLOT,
    SECRET_READINGS,
    fills,
    keep_logged_in,
    leaked,
    make_other_member,
    overrides,
    page_key,
    role_clients,
)

pytestmark = pytest.mark.django_db


def walk(world) -> tuple[list[tuple[str, str, object, object]], list[tuple[str, str, list[str]]]]:
    """GET every URL pattern and every page as each role (and a second member, for leaks only).

    Returns (mismatches, leaks): (route or page key, role, expected, got) and (path, role, markers).
    """
    routes, rules, whole = url_routes(), fills(world), overrides(world)
    by_role = role_clients(world, ROLES)
    other = make_other_member()
    by_role["other member"] = Client(raise_request_exception=False)
    by_role["other member"].force_login(other)
    world["other member"] = other
    targets = [(route, fill_route(route, rules, whole), URL_ACCESS.get(route)) for route in routes]
    for page in Page.objects.filter(depth__gt=1).specific():
        key = page_key(page)
        path = page.get_url() if page.live else f"/{page.slug}/"
        targets.append((key, path, PAGE_ACCESS.get(key)))
    mismatches, leaks = [], []
    for key, path, expected in targets:
        if expected is None:
            mismatches.append((key, "—", "a row in the table", path))
            continue
        for role, client in by_role.items():
            response = client.get(path)
            keep_logged_in(client, world.get(role))
            if role in ROLES:
                got = outcome(response)
                want = expected[ROLES.index(role)]
                if got != want:
                    mismatches.append((key, role, want, got))
            if role in ("anonymous", "editor", "other member") and response.status_code == OK:
                found = leaked(response)
                if found:
                    leaks.append((key, role, found))
    return mismatches, leaks


def test_every_url_and_page_answers_each_role_as_the_tables_say(world):
    draft = ContentPage(title="Черновик", slug="chernovik", live=False)
    world["home"].add_child(instance=draft)
    mismatches, leaks = walk(world)
    assert not mismatches, "\n".join(
        f"{k} as {role}: expected {want!r}, got {got!r}" for k, role, want, got in mismatches
    )
    assert not leaks, "\n".join(f"{k} as {role} shows {found}" for k, role, found in leaks)


def test_the_members_numbers_are_detectable_in_their_own_cabinet(client, world):
    """Guards the leak check above: the markers do show where they belong."""
    client.force_login(world["member"])
    electricity = client.get("/cabinet/electricity/").content.decode()
    assert str(SECRET_READINGS[2]) in electricity
    assert SECRET_NAME in client.get("/cabinet/").content.decode()
    assert SECRET_PHONE in client.get("/cabinet/").content.decode()
    assert "98 765,43" in client.get("/cabinet/payments/").content.decode() or SECRET_PAYMENT in (
        client.get("/cabinet/privacy/export.json").content.decode()
    )


def test_a_new_url_pattern_needs_a_row(world):
    """The walk covers the whole URL conf: every route is in the table and nothing stale is."""
    routes = set(url_routes())
    assert routes - set(URL_ACCESS) == set()
    assert set(URL_ACCESS) - routes == set()


def test_no_login_form_lets_a_password_be_guessed_without_limit(client, world):
    """allauth stops the guesses after a few failures; every other password form must too."""
    for attempt in range(12):
        client.post("/_util/login/", {"username": str(SECRET_PLOT), "password": f"guess-{attempt}"})
    client.post("/_util/login/", {"username": str(SECRET_PLOT), "password": PASSWORD})
    assert "_auth_user_id" not in client.session
