"""The treasurer's «Показания садоводов» with 3,000 pending submissions (issue 14, «Speed»).

Floor: the Wagtail admin dashboard (`/admin/`) for the same treasurer, in the same run. Target: the
queue's first page (50 rows, each with the meter's last reading found by a subquery) ≤ 2× the
dashboard; the queue's queries are the same for 30 and 3,000 submissions (paginated: only the page's
rows are read)."""

import datetime
import statistics
import time
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from billing.models import Meter, Plot, Reading
from members.models import ReadingSubmission, User

pytestmark = pytest.mark.django_db

SUBMISSIONS = 3_000
ROUNDS = 15
URL = "/admin/members/readings/"


def _submissions(numbers: range) -> None:
    plots = Plot.objects.bulk_create(Plot(number=n, street="1") for n in numbers)
    meters = Meter.objects.bulk_create(Meter(plot=plot, serial=f"SN{plot.number}") for plot in plots)
    Reading.objects.bulk_create(
        (
            Reading(meter=meter, taken_on=datetime.date(2026, month, 1), day=1000 * month, night=400 * month)
            for meter in meters
            for month in range(1, 12)
        ),
        batch_size=2000,
    )
    ReadingSubmission.objects.bulk_create(
        (
            ReadingSubmission(
                meter=meter, period="2026-11", taken_on=datetime.date(2026, 12, 1), day=12500, night=4900
            )
            for meter in meters
        ),
        batch_size=2000,
    )


def _time(client: Client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    assert response.status_code == HTTPStatus.OK
    return elapsed


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        client.get(URL)
    return len(queries)


def test_the_queue_against_the_admin_dashboard(targets):
    treasurer = User.objects.create_user("kassir", password="x", is_staff=True)
    treasurer.groups.add(Group.objects.get(name="Казначей"))
    client = Client()
    client.force_login(treasurer)
    _submissions(range(1, 31))
    client.get(URL)
    few = _queries(client)
    _submissions(range(31, SUBMISSIONS + 1))
    many = _queries(client)
    for url in (URL, "/admin/"):
        client.get(url)  # warm-up
    queue, floor = [], []
    for _ in range(ROUNDS):
        queue.append(_time(client, URL))
        floor.append(_time(client, "/admin/"))
    q, f = statistics.median(queue), statistics.median(floor)
    print(f"\nreadings queue, {SUBMISSIONS} pending: dashboard {f * 1000:.1f} ms, queue page {q * 1000:.1f} ms")
    targets.check("queue page (50 of 3,000) / admin dashboard", q / f, 2)
    targets.check("queries, 3,000 submissions / 30", many / few, 1)
    targets.assert_met()
