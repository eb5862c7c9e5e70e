"""The SMS reads: who gets the monthly SMS, the outbox screen, and the plan's fixed query count."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.models import PlotClaim, SmsMessage
from members.sms.plan import sms_plan
from members.sms.selectors import sms_outbox_keys, sms_outbox_listing, sms_recipient_claims
from tests.factories import TariffFactory
from tests.members.sms.helpers import member_with, plot_with_readings


def _members(make_member, count: int, first: int = 1) -> None:
    for n in range(first, first + count):
        member_with(str(n), f"8999{n:07d}", [plot_with_readings(n, (0, 0), (n, 1))], make_member)


def test_recipients_come_by_member_then_plot_number(make_member):
    p5, p3, p4 = (plot_with_readings(n, (0, 0), (1, 1)) for n in (5, 3, 4))
    first = member_with("5", "89990000005", [p5, p3], make_member)
    second = member_with("4", "89990000004", [p4], make_member)
    member_with("6", "", [plot_with_readings(6, (0, 0), (1, 1))], make_member)  # no phone

    claims = sms_recipient_claims()

    assert [(c.user_id, c.plot.number) for c in claims] == [(first.pk, 3), (first.pk, 5), (second.pk, 4)]
    assert claims[0].user.profile.phone == "89990000005"  # loaded with the claims


def test_outbox_listing_counts_every_status_and_shows_the_filtered_rows(make_member):
    TariffFactory()
    _members(make_member, 3)
    for n, period in ((1, "2022-04"), (2, "2022-05"), (3, "2022-05")):
        claim = PlotClaim.objects.get(plot__number=n)
        SmsMessage.objects.create(user_id=claim.user_id, plot_id=claim.plot_id, period=period, phone="8", text="t")
    SmsMessage.objects.filter(plot__number=3).update(status=SmsMessage.Status.SENT)

    listing = sms_outbox_listing(period="2022-05", status=SmsMessage.Status.SENT, limit=10)

    assert [row.plot.number for row in listing.rows] == [3]
    assert listing.total == 2
    counts = {value: count for value, _, count in listing.statuses}
    assert (counts["queued"], counts["sent"], counts["failed"]) == (1, 1, 0)
    assert listing.periods == ["2022-05", "2022-04"]
    assert len(sms_outbox_listing(limit=2).rows) == 2
    assert sms_outbox_listing(limit=10).total == 3
    assert sms_outbox_keys(period="2022-05") == set(
        PlotClaim.objects.filter(plot__number__in=[2, 3]).values_list("user_id", "plot_id")
    )


def _plan_queries(period: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        plan = sms_plan(period=period)
    return len(queries), len(plan.messages)


def test_the_plan_costs_the_same_queries_for_1_and_40_members(make_member):
    TariffFactory()
    _members(make_member, 1)
    few, planned = _plan_queries("2022-05")
    assert planned == 1
    _members(make_member, 39, first=2)
    assert _plan_queries("2022-05") == (few, 40)
