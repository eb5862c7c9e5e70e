"""Who may POST where: every pattern of the URL conf, every page of the tree and the admin's
actions, for seven roles, with an empty body (and, for the actions, the minimal body that does
the thing).

The policy is the GET table of test_url_access (who may open a URL may post to it), with the
exceptions in POST_OVERRIDES and the actions in ACTIONS. A role the policy leaves out must be
turned away (login, Wagtail's «no permission», 403, 404, 405, or allauth's «confirm your email»)
and must change nothing: the row counts and states of the key tables stay the same, no task is
queued, no letter goes to anyone but the requester. A 500 is never acceptable. Every request
runs in a savepoint that is rolled back, so one role's allowed action does not change the next
role's world. A second pass does the same with a client that enforces CSRF and sends no token.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from wagtail.models import Collection, Page, PageViewRestriction, Revision, Site
from wagtail.models import Task as WagtailTask

from billing.models import Article, Charge, FeeRate, ImportBatch, Meter, Payment, Plot, Reading, Tariff
from members.models import PlotClaim, Profile, SmsMessage
from members.sms.plan import sms_plan
from tests.factories import PlotFactory
from tests.security import test_url_access
from tests.security.test_url_access import (
    LEAK_MARKERS,
    PAGE_ACCESS,
    SECRET_PLOT,
    URL_ACCESS,
    fills,
    keep_logged_in,
    leaked,
    make_other_member,
    overrides,
    page_key,
)
from tests.security.urlwalk import (
    DENIED,
    ERROR,
    LOGIN,
    NOT_ALLOWED,
    NOT_FOUND,
    ROLES,
    fill_route,
    outcome,
    url_routes,
)

pytestmark = pytest.mark.django_db
world = test_url_access.world  # the GET walk's fixture: the demo site, its accounts, member 777

FORBIDDEN = 403
VERIFY = "verify"  # allauth's «подтвердите адрес» page: the view itself never ran
REJECTED = frozenset({LOGIN, DENIED, FORBIDDEN, NOT_FOUND, NOT_ALLOWED, VERIFY})

POST_ROLES = ("anonymous", "unverified", "member", "other member", "editor", "treasurer", "superuser")
ANYONE = frozenset(POST_ROLES)
NOBODY = frozenset()
CABINET = frozenset({"member", "other member", "editor", "treasurer", "superuser"})  # a confirmed email
SIGNED_IN = CABINET | {"unverified"}
ADMIN = frozenset({"editor", "treasurer", "superuser"})
EDITORS = frozenset({"editor", "superuser"})
BILLING = frozenset({"treasurer", "superuser"})
SUPERUSER = frozenset({"superuser"})


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

# Wagtail's own admin views that answer a malformed body (no form ever sends it) with a 500.
# Only admin users reach them, past the CSRF check; reported, not patched here.
WAGTAIL_500 = {
    "admin/pages/add/<slug:content_type_app_name>/<slug:content_type_model_name>/<int:parent_page_id>/": (
        "StreamField without `body-count`: MultiValueDictKeyError"
    ),
    "admin/pages/<int:page_id>/copy/": "no `new_parent_page`: MultiValueDictKeyError",
    "admin/choose-external-link/": "no `url`: AttributeError on None in ExternalLinkChooserForm",
    "admin/redirects/import/process/": "no `import_file_name`: KeyError in ConfirmImportForm.clean",
    "admin/snippets/choose/billing/tariff/create/": "the chooser's create view has no form: AttributeError",
    "admin/snippets/choose/billing/article/create/": "the chooser's create view has no form: AttributeError",
    "admin/snippets/choose/billing/feerate/create/": "the chooser's create view has no form: AttributeError",
    "admin/failwhale/": "Wagtail's deliberate error page",
}


@dataclass
class Action:
    """A POST that does something for the roles allowed: `effect` names what it must change for
    them (a key of `state()`, or "task" for a queued task), which proves the body is the real
    one, so that the refusal for everyone else means something. `before` are POSTs made first,
    in the same savepoint (an import's preview before its confirm)."""

    name: str
    path: str
    data: dict
    allowed: frozenset[str]
    effect: str
    before: list[tuple[str, dict]] = field(default_factory=list)


def payments_csv() -> SimpleUploadedFile:
    article = Article.objects.order_by("pk").first()
    content = f"Участок;Дата;Сумма;Статья;Документ\n{SECRET_PLOT};01.05.2022;100,00;{article.name};POST-WALK-1\n"
    return SimpleUploadedFile("payments.csv", content.encode("utf-8"), content_type="text/csv")


def actions(world) -> list[Action]:
    """The admin's and the cabinet's actions, each with the body that really does it."""
    pending = PlotClaim.objects.create(user=world["other member"], plot=PlotFactory(number=779))
    failed = SmsMessage.objects.create(
        user=world["member"],
        plot=world["plot"],
        period="2022-05",
        phone="89017654321",
        text="СНТ: T1 1. К оплате 1.00.",
        status=SmsMessage.Status.FAILED,
    )
    payment = Payment.objects.filter(plot=world["plot"]).get()
    reading = Reading.objects.filter(meter=world["meter"]).order_by("pk").first()
    tariff, private = Tariff.objects.order_by("pk").first(), world["private"]
    user_model = get_user_model()._meta
    fee = FeeRate.objects.select_related("article").order_by("pk").first()
    return [
        Action("confirm a claim", "/admin/claims/", {"action": "confirm", "claim": pending.pk}, BILLING, "claims"),
        Action("reject a claim", "/admin/claims/", {"action": "reject", "claim": pending.pk}, BILLING, "claims"),
        Action(
            "send the SMS",
            "/admin/sms/",
            {"action": "send", "period": "2022-05", "confirm_count": len(sms_plan(period="2022-05").new)},
            BILLING,
            "task",
        ),
        Action("resend an SMS", "/admin/sms/", {"action": "resend", "message": failed.pk}, BILLING, "sms"),
        Action(
            "import payments",
            "/admin/billing/import/payments/confirm/",
            {"sha256": "", "notify_sms": "1"},
            BILLING,
            "counts",
            before=[("/admin/billing/import/payments/", {"file": payments_csv})],
        ),
        Action(
            "accrue fees",
            "/admin/billing/accrue/",
            {"year": fee.accrue_on.year, "article": fee.article_id, "confirm": "1"},
            BILLING,
            "counts",
        ),
        Action("delete a payment", f"/admin/billing/payment/delete/{payment.pk}/", {}, BILLING, "counts"),
        Action("delete a reading", f"/admin/billing/reading/delete/{reading.pk}/", {}, BILLING, "counts"),
        Action("delete a tariff", f"/admin/snippets/billing/tariff/delete/{tariff.pk}/", {}, BILLING, "counts"),
        Action("delete a page", f"/admin/pages/{private.pk}/delete/", {}, SUPERUSER, "counts"),
        Action(
            "delete a member (bulk)",
            f"/admin/bulk/{user_model.app_label}/{user_model.model_name}/delete/?id={world['member'].pk}",
            {},
            SUPERUSER,
            "counts",
        ),
        Action("delete a member", f"/admin/users/delete/{world['member'].pk}/", {}, SUPERUSER, "counts"),
        Action(
            "make a member staff",
            f"/admin/users/edit/{world['member'].pk}/",
            {
                "username": world["member"].username,
                "email": world["member"].email,
                "first_name": "Зинаида",
                "last_name": "Секретова",
                "is_active": "on",
                "is_superuser": "on",
            },
            SUPERUSER,
            "users",
        ),
        Action(
            "claim plots in the cabinet",
            "/cabinet/edit/",
            {"plots": "779", "phone": "", "owner_name": "", "contact_persons": ""},
            CABINET,
            "claims",
        ),
    ]


KEY_MODELS = (
    get_user_model(),
    EmailAddress,
    Group,
    Profile,
    PlotClaim,
    Plot,
    Meter,
    Reading,
    Charge,
    Payment,
    ImportBatch,
    SmsMessage,
    Tariff,
    FeeRate,
    Article,
    Page,
    Revision,
    PageViewRestriction,
    Site,
    Collection,
    WagtailTask,
)


def state() -> dict[str, object]:
    """Row counts of the key tables (one query) and the states that access turns on."""
    quote = connection.ops.quote_name
    tables = [model._meta.db_table for model in KEY_MODELS]
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(table)})" for table in tables)  # noqa: S608 - model tables
    with connection.cursor() as cursor:
        cursor.execute(sql)
        counts = dict(zip(tables, cursor.fetchone(), strict=True))
    users = get_user_model().objects.order_by("pk")
    user_fields = ("pk", "username", "email", "password", "is_active", "is_staff", "is_superuser")
    return {
        "counts": counts,
        "users": list(users.values_list(*user_fields)),
        "emails": list(EmailAddress.objects.order_by("pk").values_list("pk", "email", "verified", "primary")),
        "claims": list(PlotClaim.objects.order_by("pk").values_list("pk", "status")),
        "profiles": list(Profile.objects.order_by("pk").values_list("pk", "phone", "sms_consent", "owner_name")),
        "sms": list(SmsMessage.objects.order_by("pk").values_list("pk", "status")),
        "pages": list(Page.objects.order_by("pk").values_list("pk", "live", "locked", "title", "path")),
        "payments": list(Payment.objects.order_by("pk").values_list("pk", "plot_id", "amount")),
    }


def classify(response) -> int | str:
    names = {template.name for template in getattr(response, "templates", []) or []}
    if response.status_code == 200 and "account/verified_email_required.html" in names:
        return VERIFY
    return outcome(response)


@dataclass
class Result:
    got: int | str
    changed: list[str]
    tasks: int
    foreign_mail: list[list[str]]


def post(client: Client, path: str, data: dict, user, before: list[tuple[str, dict]] = ()) -> Result:
    """POST as the role inside a savepoint that is rolled back; report what it changed."""
    own = {user.email} if user is not None else set()
    sent = len(mail.outbox)
    with transaction.atomic():
        start, hooks = state(), len(connection.run_on_commit)
        for step_path, step_data in before:
            client.post(step_path, {k: v() if callable(v) else v for k, v in step_data.items()})
        if "sha256" in data and not data["sha256"]:  # the confirm repeats the preview's hash
            data = {**data, "sha256": _pending_sha(client)}
        response = client.post(path, data)
        end, hooks = state(), len(connection.run_on_commit) - hooks
        transaction.set_rollback(True)
    letters = [letter.to for letter in mail.outbox[sent:] if set(letter.to) - own]
    del mail.outbox[sent:]
    keep_logged_in(client, user)
    return Result(classify(response), [key for key in start if start[key] != end[key]], hooks, letters)


def _pending_sha(client: Client) -> str:
    entry = client.session.get("billing_import", {}) or {}
    for value in entry.values() if isinstance(entry, dict) else []:
        if isinstance(value, dict) and value.get("sha256"):
            return value["sha256"]
    return "0" * 64


@pytest.fixture
def people(world):
    """The seven roles: the GET walk's five, a second member with a plot of their own, and a
    member who has not confirmed their email."""
    world["other member"] = make_other_member()
    unverified = get_user_model().objects.create_user(
        username="780", email="unverified@example.org", password="Sad-2024x"
    )
    EmailAddress.objects.create(user=unverified, email=unverified.email, verified=False, primary=True)
    world["unverified"] = unverified
    clients = {}
    for role in POST_ROLES:
        client = Client(raise_request_exception=False)
        if role != "anonymous":
            client.force_login(world[role])
        clients[role] = client
    return clients


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


def judge(key: str, role: str, allowed: frozenset[str], result: Result) -> list[str]:
    problems = []
    if result.got == ERROR and not (key in WAGTAIL_500 and role in allowed & ADMIN):
        problems.append(f"{key} as {role}: 500")
    if role not in allowed or role == "anonymous":
        if role not in allowed and result.got not in REJECTED:
            problems.append(f"{key} as {role}: expected a refusal, got {result.got!r}")
        if result.changed:
            problems.append(f"{key} as {role}: changed {result.changed} (answer {result.got!r})")
        if result.tasks:
            problems.append(f"{key} as {role}: queued {result.tasks} task(s)")
        if result.foreign_mail:
            problems.append(f"{key} as {role}: mailed {result.foreign_mail}")
    return problems


def test_every_url_and_page_takes_a_post_only_from_the_roles_the_policy_allows(world, people):
    problems = []
    for key, path, allowed in targets(world):
        if allowed is None:
            problems.append(f"{key}: no row in the policy ({path})")
            continue
        for role, client in people.items():
            problems += judge(key, role, allowed, post(client, path, {}, world.get(role)))
    assert not problems, "\n".join(problems)


def test_the_admins_and_cabinets_actions_refuse_every_other_role(world, people):
    problems = []
    for action in actions(world):
        for role, client in people.items():
            result = post(client, action.path, action.data, world.get(role), action.before)
            problems += judge(action.name, role, action.allowed, result)
            if role in action.allowed:
                effective = result.tasks if action.effect == "task" else action.effect in result.changed
                if not effective:
                    problems.append(f"{action.name} as {role}: did nothing ({result.got!r}); is the body right?")
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


HOSTILE_IDS = ("²", "١٢", "２０２２-０５", "2022-5", "9" * 30, "-1", "1\x00", "")


@pytest.mark.parametrize("value", HOSTILE_IDS)
def test_hostile_ids_in_the_treasurers_actions_change_nothing_and_never_500(world, people, value):
    """Unicode digits (`str.isdigit` takes «²» that `int` refuses, and `int` reads «١٢» as 12), a
    30-digit number, NUL: the ids and the period the treasurer's actions read are checked, not
    trusted. A period spelt otherwise than ГГГГ-ММ would queue the month's messages again."""
    treasurer = people["treasurer"]
    bodies = [
        ("/admin/claims/", {"action": "confirm", "claim": value}),
        ("/admin/sms/", {"action": "resend", "message": value}),
        ("/admin/sms/", {"action": "send", "period": value}),
    ]
    for path, body in bodies:
        result = post(treasurer, path, body, world["treasurer"])
        assert result.got == "redirect", (path, body, result)
        assert (result.changed, result.tasks) == ([], 0), (path, body, result)
