"""The admin's and the cabinet's actions, each POSTed with the body that really does it by every
role: the roles allowed see it take effect (which proves the body is the real one), every other
role is turned away and changes nothing. Hostile ids in the treasurer's actions change nothing."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from billing.models import Article, FeeRate, Payment, PenaltyRule, Reading, Tariff
from members.meetings.models import DocumentRequest
from members.models import SmsMessage
from members.reminders.plan import reminder_plan
from members.reminders.service import new_round_key
from members.sms.plan import sms_plan
from tests.factories import PlotClaimFactory
from tests.security.posting import BILLING, CABINET, SUPERUSER, judge, post
from tests.security.world import SECRET_PLOT

pytestmark = pytest.mark.django_db


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
    return [
        *_claim_and_sms_actions(world),
        *_billing_actions(world),
        *_superuser_actions(world),
        *_meeting_actions(world),
        _cabinet_claim(),
        _cabinet_vote(world),
        _cabinet_claim(),
        *_document_request_actions(world),
    ]


def _claim_and_sms_actions(world) -> list[Action]:
    pending = PlotClaimFactory(user=world["other member"], plot__number=779)
    failed = SmsMessage.objects.create(
        user=world["member"],
        plot=world["plot"],
        period="2022-05",
        phone="89017654321",
        text="СНТ: T1 1. К оплате 1.00.",
        status=SmsMessage.Status.FAILED,
    )
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
        Action("send reminders to debtors", "/admin/reminders/", _reminders_body(), BILLING, "task"),
    ]


def _reminders_body(**changes) -> dict:
    """The preview's form: today's debtors (the secret member owes 1 234,57 ₽) and a fresh key."""
    today = timezone.localdate()
    count = reminder_plan(on=today).count
    assert count, "the world has no debtor to remind"
    body = {"action": "send", "on": today.isoformat(), "confirm_count": str(count), "key": new_round_key()}
    return body | changes


def _billing_actions(world) -> list[Action]:
    payment = Payment.objects.filter(plot=world["plot"]).get()
    reading = Reading.objects.filter(meter=world["meter"]).order_by("pk").first()
    tariff = Tariff.objects.order_by("pk").first()
    fee = FeeRate.objects.select_related("article").order_by("pk").first()
    PenaltyRule.objects.get_or_create(
        name="Пени по уставу", defaults={"rate": Decimal("0.1"), "valid_from": datetime.date(2020, 1, 1)}
    )
    return [
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
        Action(
            "accrue penalties",
            "/admin/billing/penalties/",
            {"on": timezone.localdate().isoformat(), "confirm": "1"},
            BILLING,
            "counts",
        ),
        Action("delete a payment", f"/admin/billing/payment/delete/{payment.pk}/", {}, BILLING, "counts"),
        Action("delete a reading", f"/admin/billing/reading/delete/{reading.pk}/", {}, BILLING, "counts"),
        Action("delete a tariff", f"/admin/snippets/billing/tariff/delete/{tariff.pk}/", {}, BILLING, "counts"),
    ]


def _superuser_actions(world) -> list[Action]:
    private, user_model = world["private"], get_user_model()._meta
    return [
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
    ]


def _meeting_actions(world) -> list[Action]:
    """The secretary's («Секретарь правления»; of the roles, only the superuser): the treasurer is denied."""
    draft, published, due = world["meeting_draft"], world["meeting_published"], world["meeting_due"]
    ballots = f"/admin/meetings/meeting/{published.pk}/ballots/"
    item = published.items.get()
    person = world["person"].pk
    return [
        Action("publish a meeting", f"/admin/meetings/meeting/{draft.pk}/publish/", {}, SUPERUSER, "meetings"),
        Action("register attendance", ballots, {"person": person, "action": "attend"}, SUPERUSER, "counts"),
        Action(
            "enter a paper ballot",
            ballots,
            {"person": person, "action": "ballot", f"item-{item.pk}": "for"},
            SUPERUSER,
            "counts",
        ),
        Action("close a meeting", f"/admin/meetings/meeting/{due.pk}/close/", {}, SUPERUSER, "meetings"),
    ]


def _cabinet_claim() -> Action:
    """Plot 779 is the one the second member's pending claim names."""
    return Action(
        "claim plots in the cabinet",
        "/cabinet/edit/",
        {"plots": "779", "phone": "", "owner_name": "", "contact_persons": ""},
        CABINET,
        "claims",
    )


def _cabinet_vote(world) -> Action:
    """Only the member whose registry entry the board linked votes; anyone else is refused (403)."""
    meeting = world["meeting"]
    item = meeting.items.get()
    data = {f"item-{item.pk}": "for"}
    return Action("vote in the cabinet", f"/cabinet/meetings/{meeting.pk}/", data, frozenset({"member"}), "counts")


def _document_request_actions(world) -> list[Action]:
    """Member 777 (linked to the registry, a member) asks for copies; the board (here the superuser:
    the «Секретарь правления» group has no role in the walk) refuses an open request with a reason."""
    waiting = DocumentRequest.objects.create(
        person=world["person"], requested_by=world["member"], documents=["charter"]
    )
    ask = {"documents": ["charter"], "which": "", "comment": "", "token": str(uuid.uuid4())}
    return [
        Action("ask for copies of documents", "/cabinet/documents/", ask, frozenset({"member"}), "counts"),
        Action(
            "refuse a document request",
            f"/admin/meetings/requests/{waiting.pk}/",
            {"action": "refuse", "reason": "Такого документа нет"},
            SUPERUSER,
            "document_requests",
        ),
    ]


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
        ("/admin/reminders/", _reminders_body(on=value)),
        ("/admin/reminders/", _reminders_body(confirm_count=value)),
        ("/admin/reminders/", _reminders_body(key=value)),
    ]
    for path, body in bodies:
        result = post(treasurer, path, body, world["treasurer"])
        assert result.got == "redirect", (path, body, result)
        assert (result.changed, result.tasks) == ([], 0), (path, body, result)
