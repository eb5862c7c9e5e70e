"""Who may POST where: every pattern of the URL conf and every page of the tree, for seven roles,
with an empty body (the admin's actions, with the body that does the thing, are in
test_post_actions).

The policy is the GET table of url_policy (who may open a URL may post to it), with the
exceptions in POST_OVERRIDES. A role the policy leaves out must be
turned away (login, Wagtail's «no permission», 403, 404, 405, or allauth's «confirm your email»)
and must change nothing: the row counts and states of the key tables stay the same, no task is
queued, no letter goes to anyone but the requester. A 500 is never acceptable. Every request
runs in a savepoint that is rolled back, so one role's allowed action does not change the next
role's world. A second pass does the same with a client that enforces CSRF and sends no token.
"""

from __future__ import annotations

import pytest
from django.test import Client
from wagtail.models import Page

from members.models import PlotClaim
from tests.security.posting import ANYONE, NOBODY, REJECTED, SIGNED_IN, judge, post
from tests.security.url_policy import PAGE_ACCESS, URL_ACCESS
from tests.security.urlwalk import NOT_ALLOWED, ROLES, fill_route, url_routes
from tests.security.world import LEAK_MARKERS, SECRET_PLOT, fills, keep_logged_in, leaked, overrides, page_key

pytestmark = pytest.mark.django_db


def from_get(route: str) -> frozenset[str]:
    """Who may POST to `route` by default: whoever the GET table lets reach the view (a 405 for
    a POST-only view counts as reaching it); the second member as the first; a member without
    a confirmed email as a member, except in the cabinet."""
    row = URL_ACCESS[route]
    allowed = {role for role, got in zip(ROLES, row, strict=True) if got not in REJECTED - {NOT_ALLOWED}}
    if "member" in allowed:
        allowed.add("other member")
        if not route.startswith("cabinet/"):
            allowed.add("unverified")
    return frozenset(allowed)


# Where POST differs from GET, and why.
POST_OVERRIDES: dict[str, frozenset[str]] = {}

# Pages of the tree, by page_key(): any page takes a POST (the contact page is a form). A page
# behind Wagtail's login restriction opens to any signed-in account, a member without a
# confirmed email too (allauth never signs such a member in: verification is mandatory).
PAGE_POST_ACCESS = dict.fromkeys(PAGE_ACCESS, ANYONE) | {"private": SIGNED_IN, "draft": NOBODY}


def targets(world) -> list[tuple[str, str, frozenset[str]]]:
    """(table key, path, allowed roles) for every route and every page."""
    rules, whole = fills(world), overrides(world)
    found = []
    for route in url_routes():
        allowed = POST_OVERRIDES.get(route, from_get(route) if route in URL_ACCESS else None)
        found.append((route, fill_route(route, rules, whole), allowed))
    for page in Page.objects.filter(depth__gt=1).specific():
        key = page_key(page)
        found.append((key, page.get_url() if page.live else f"/{page.slug}/", PAGE_POST_ACCESS.get(key)))
    return found


def test_every_url_and_page_takes_a_post_only_from_the_roles_the_policy_allows(world, people):
    problems = []
    for key, path, allowed in targets(world):
        if allowed is None:
            problems.append(f"{key}: no row in the policy ({path})")
            continue
        for role, client in people.items():
            problems += judge(key, role, allowed, post(client, path, {}, world.get(role)))
    assert not problems, "\n".join(problems)


def test_without_a_csrf_token_no_post_gets_through(world, people):
    """A client that enforces CSRF and sends no token: every POST is refused (403 by the CSRF
    check, or a login redirect from the admin API, which is CSRF-exempt and checks later)."""
    problems = []
    for role in ("anonymous", "member", "superuser"):
        client = Client(enforce_csrf_checks=True, raise_request_exception=False)
        if role != "anonymous":
            client.force_login(world[role])
        for key, path, _ in targets(world):
            result = post(client, path, {}, world.get(role))
            if result.got not in REJECTED or result.changed or result.tasks:
                problems.append(f"{key} as {role}: {result.got!r}, changed {result.changed}")
    assert not problems, "\n".join(problems)


def test_a_member_reaches_no_data_of_another_members_plot_by_posting_its_number(world, people):
    """The second member names the first member's plot in every field and parameter a cabinet
    view might read: nothing of plot 777 shows, and a claim of it stays pending."""
    other, plot, meter = people["other member"], world["plot"], world["meter"]
    names = {"plot": SECRET_PLOT, "plots": str(SECRET_PLOT), "number": SECRET_PLOT, "plot_id": plot.pk}
    names |= {"meter": meter.pk, "meter_id": meter.pk, "id": plot.pk, "pk": plot.pk}
    query = "&".join(f"{name}={value}" for name, value in names.items())
    problems = []
    for route in url_routes():
        if not route.startswith("cabinet/"):
            continue
        path = fill_route(route, fills(world), overrides(world))
        for sent in (other.post(f"{path}?{query}", names), other.get(f"{path}?{query}")):
            if sent.status_code == 500:
                problems.append(f"{path}: 500")
            elif found := leaked(sent):
                problems.append(f"{path} shows {found}")
        keep_logged_in(other, world["other member"])
    for path in ("/cabinet/", "/cabinet/payments/", "/cabinet/electricity/", "/cabinet/privacy/export.json"):
        if found := leaked(other.get(path)):
            problems.append(f"{path} afterwards shows {found}")
    claims = PlotClaim.objects.filter(user=world["other member"], plot=plot)
    assert set(claims.values_list("status", flat=True)) <= {PlotClaim.Status.PENDING}
    assert not problems, "\n".join(problems)
    assert LEAK_MARKERS  # the markers are live: test_url_access checks they show in their own cabinet


def test_the_walk_has_a_policy_for_every_route(world):
    """A new URL pattern must be classified for GET (test_url_access), and so for POST."""
    assert set(url_routes()) - set(URL_ACCESS) == set()
    assert set(POST_OVERRIDES) - set(URL_ACCESS) == set()
