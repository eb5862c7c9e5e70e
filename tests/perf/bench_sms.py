"""The monthly SMS run for 2,000 members against the fake SMS.ru with 50 ms per request.

`make bench` runs it. The run must make exactly ⌈2000/100⌉ = 20 send requests (counted by
the server) and finish within 2× (20 × 50 ms + the time to fill the outbox), the fill being
measured in the same run.
"""

import datetime
import math
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from billing.models import Meter, Plot, Reading
from members.models import PlotClaim, Profile, SmsMessage
from members.sms.plan import sms_outbox_fill
from members.sms.sending import monthly_sms_run
from tests.factories import TariffFactory
from tests.fakes.smsru import FakeSmsRu

pytestmark = pytest.mark.django_db

MEMBERS = 2000
LATENCY = 0.05


@pytest.fixture
def smsru(settings):
    server = FakeSmsRu(latency=LATENCY).start()
    settings.SMS_BACKEND = "smsru"
    settings.SMSRU_API_URL = server.url
    settings.SMSRU_API_ID = server.api_id
    settings.SMSRU_TIMEOUT = 5.0
    yield server
    server.stop()


def _members() -> None:
    TariffFactory()
    plots = Plot.objects.bulk_create(Plot(number=n) for n in range(1, MEMBERS + 1))
    meters = Meter.objects.bulk_create(Meter(plot=p) for p in plots)
    Reading.objects.bulk_create(
        Reading(meter=m, taken_on=d, day=day, night=night)
        for i, m in enumerate(meters)
        for d, day, night in ((datetime.date(2022, 5, 1), 1000, 400), (datetime.date(2022, 6, 1), 1000 + i, 400 + i))
    )
    users = get_user_model().objects.bulk_create(get_user_model()(username=str(p.number)) for p in plots)
    Profile.objects.bulk_create(
        Profile(user=u, phone=f"8999{n:07d}", sms_consent=True) for n, u in enumerate(users, start=1)
    )
    PlotClaim.objects.bulk_create(
        PlotClaim(user=u, plot=p, status=PlotClaim.Status.CONFIRMED) for u, p in zip(users, plots, strict=True)
    )


def test_monthly_run_for_2000_members(smsru, targets):
    _members()

    # the floor's fill part, measured now and rolled back
    started = time.perf_counter()
    with transaction.atomic():
        assert sms_outbox_fill(period="2022-05").queued == MEMBERS
        transaction.set_rollback(True)
    fill = time.perf_counter() - started
    assert SmsMessage.objects.count() == 0

    started = time.perf_counter()
    filled, sent = monthly_sms_run(period="2022-05")
    run = time.perf_counter() - started

    expected_requests = math.ceil(MEMBERS / 100)
    assert (filled.queued, sent.sent) == (MEMBERS, MEMBERS)
    assert len(smsru.send_requests) == expected_requests
    assert len({number for number, _ in smsru.sent_texts}) == MEMBERS
    floor = expected_requests * LATENCY + fill
    print(f"\n  fill {fill:.2f} s, run {run:.2f} s, floor {floor:.2f} s, requests {len(smsru.send_requests)}")
    targets.check("SMS run for 2,000 members / (20 × 50 ms + fill)", run / floor, 2.0)
    targets.assert_met()
