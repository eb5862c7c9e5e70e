"""The per-session cache of the cabinet money pages: cheap repeats, never stale, never shared."""

import datetime
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from billing.models import Reading
from members.cabinet_cache import HEADER
from members.models import PlotClaim
from members.services.claims import decide_claims
from tests.factories import ReadingFactory, TariffFactory
from tests.home.factories import make_home
from tests.members.cabinet_data import build_seed, confirm, seed_plot

PAGES = ["/cabinet/payments/", "/cabinet/electricity/"]


@pytest.fixture
def seeded(member):
    make_home()
    plots = build_seed(member)
    return plots


def get_twice(client, url):
    client.get(url)  # the first answer may set the CSRF cookie, which is never cached
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)
    return first, second, len(queries)


@pytest.mark.parametrize("url", PAGES)
def test_a_repeat_is_served_from_the_session_cache(member_client, seeded, url):
    first, second, queries = get_twice(member_client, url)
    assert first[HEADER] == "miss"
    assert second[HEADER] == "hit"
    assert second.content == first.content
    assert queries <= 2  # the session and the user, as any authenticated request
    assert "private" in second["Cache-Control"]


def test_new_readings_show_at_once(member_client, seeded):
    plot_269 = seeded[0]
    get_twice(member_client, "/cabinet/electricity/")
    ReadingFactory(meter=plot_269.meters.get(), taken_on=datetime.date(2022, 7, 1), day=9600, night=3200)
    response = member_client.get("/cabinet/electricity/")
    assert response[HEADER] == "miss"
    assert "01 Июля 2022 года" in response.content.decode()


def test_an_edited_reading_and_a_new_tariff_show_at_once(member_client, seeded):
    get_twice(member_client, "/cabinet/electricity/")
    Reading.objects.filter(taken_on=datetime.date(2022, 6, 1), meter__plot__number=269).update(day=9533)
    # a queryset update sends no signal: the treasurer's admin saves instances, which do
    reading = Reading.objects.get(taken_on=datetime.date(2022, 6, 1), meter__plot__number=269)
    reading.save()
    assert "9533" in member_client.get("/cabinet/electricity/").content.decode()
    TariffFactory(valid_from=datetime.date(2022, 5, 15), day_rate=Decimal("7.00"))
    assert "3647.00" in member_client.get("/cabinet/electricity/").content.decode()  # 521 kWh × 7.00


def test_a_claim_decided_by_the_treasurer_shows_at_once(member_client, member, seeded, django_user_model):
    plot_271 = seed_plot(271)
    confirm(member, plot_271, status=PlotClaim.Status.PENDING)
    get_twice(member_client, "/cabinet/payments/")
    treasurer = django_user_model.objects.create_user("kaznachei")
    decide_claims(
        claim_ids=[PlotClaim.objects.get(plot=plot_271).pk], status=PlotClaim.Status.CONFIRMED, decided_by=treasurer
    )
    response = member_client.get("/cabinet/payments/")
    assert response[HEADER] == "miss"
    assert "271" in response.content.decode()


def test_never_shared_between_members_or_sessions(member_client, member, seeded, make_member):
    get_twice(member_client, "/cabinet/payments/")
    other = make_member(username="300", email="m300@example.org")
    other_client = Client()
    other_client.force_login(other)
    response = other_client.get("/cabinet/payments/")
    assert response.status_code == HTTPStatus.OK
    assert response.get(HEADER) != "hit"
    assert "7\xa0200,00" not in response.content.decode()  # member 269's charges
    again = Client()
    again.force_login(member)  # a new session of the same member starts afresh
    assert again.get("/cabinet/payments/").get(HEADER) != "hit"


def test_pending_messages_are_never_swallowed_by_the_cache(member_client, seeded):
    get_twice(member_client, "/cabinet/payments/")
    # a form that leaves a message, then the page: the message must show, not a cached copy
    member_client.post("/cabinet/edit/", {"plots": "269,270", "owner_name": "Иванов И. И.", "phone": ""})
    response = member_client.get("/cabinet/payments/")
    assert response.get(HEADER) != "hit"
    assert "Регистрационные данные сохранены." in response.content.decode()


def test_off_without_a_shared_cache(member_client, seeded, settings):
    settings.CABINET_CACHE = False  # as when REDIS_URL is not set: every process has its own memory cache
    first, second, queries = get_twice(member_client, "/cabinet/payments/")
    assert HEADER not in second
    assert queries > 2
