"""POST as one role inside a savepoint that is rolled back, report what the request changed, and
judge it against the roles the policy allows. Shared by test_post_access and test_post_actions."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection, transaction
from django.test import Client
from wagtail.models import Collection, Page, PageViewRestriction, Revision, Site
from wagtail.models import Task as WagtailTask

from billing.models import Article, Charge, FeeRate, ImportBatch, Meter, Payment, Plot, Reading, Tariff
from members.meetings.models import Attendance, DocumentRequest, DocumentRequestFile, Meeting, MeetingNotice, Vote
from members.models import PlotClaim, Profile, ReadingSubmission, SmsMessage
from tests.factories import UserFactory
from tests.security.urlwalk import DENIED, ERROR, LOGIN, NOT_ALLOWED, NOT_FOUND, outcome
from tests.security.world import keep_logged_in, make_other_member, role_clients

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
    "admin/snippets/choose/billing/expensecategory/create/": "the chooser's create view has no form: AttributeError",
    "admin/snippets/choose/billing/budgetline/create/": "the chooser's create view has no form: AttributeError",
    "admin/snippets/choose/billing/penaltyrule/create/": "the chooser's create view has no form: AttributeError",
    "admin/failwhale/": "Wagtail's deliberate error page",
}

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
    ReadingSubmission,
    Tariff,
    FeeRate,
    Article,
    Page,
    Revision,
    PageViewRestriction,
    Site,
    Collection,
    WagtailTask,
    Meeting,
    Vote,
    Attendance,
    MeetingNotice,
    DocumentRequest,
    DocumentRequestFile,
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
        "readings": list(ReadingSubmission.objects.order_by("pk").values_list("pk", "status", "day", "night")),
        "pages": list(Page.objects.order_by("pk").values_list("pk", "live", "locked", "title", "path")),
        "payments": list(Payment.objects.order_by("pk").values_list("pk", "plot_id", "amount")),
        "meetings": list(Meeting.objects.order_by("pk").values_list("pk", "status")),
        "document_requests": list(DocumentRequest.objects.order_by("pk").values_list("pk", "status", "fee")),
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


def people_clients(world) -> dict[str, Client]:
    """The seven roles: the GET walk's five, a second member with a plot of their own, and a
    member who has not confirmed their email. Adds the two new accounts to `world`."""
    world["other member"] = make_other_member()
    world["unverified"] = UserFactory(username="780", email="unverified@example.org", verified=False)
    return role_clients(world, POST_ROLES)


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
