"""Query budgets with the page caches off: a ContentPage ≤ 6 queries, any other public page ≤ 8,
any cabinet page ≤ 8, whatever the number of plots, months and announcements. Exact counts, so a
new query shows here first."""

import datetime
from decimal import Decimal
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from billing.models import Article, Charge, Meter, Payment, Plot, Reading
from members.models import Profile
from tests.factories import TariffFactory
from tests.home.factories import make_announcement, site_pages  # noqa: F401 - fixture
from tests.members.cabinet_data import confirm

pytestmark = pytest.mark.django_db

SIZES = [(1, 3), (5, 60)]  # plots × months
CONTENT_PAGE, PUBLIC_PAGE, CABINET_PAGE = 6, 8, 8  # the budgets


@pytest.fixture(autouse=True)
def _caches_off(settings):
    settings.CABINET_CACHE = False
    settings.PAGE_CACHE = False


def _history(user, plots: int, months: int) -> None:
    electricity = Article.objects.create(name="Электроэнергия", kind=Article.Kind.ELECTRICITY)
    membership = Article.objects.create(name="Членские взносы", kind=Article.Kind.MEMBERSHIP)
    rows = Plot.objects.bulk_create(Plot(number=400 + n, street="5", area=Decimal("7.20")) for n in range(plots))
    meters = Meter.objects.bulk_create(Meter(plot=p, kind=Meter.Kind.TWO_ZONE, serial=f"S{p.number}") for p in rows)
    dates = [datetime.date(2017 + n // 12, n % 12 + 1, 1) for n in range(months + 1)]
    Reading.objects.bulk_create(
        Reading(meter=m, taken_on=d, day=300 * n + m.pk, night=120 * n) for m in meters for n, d in enumerate(dates)
    )
    Payment.objects.bulk_create(
        Payment(plot=p, article=electricity, paid_on=d, amount=Decimal("1500.00")) for p in rows for d in dates
    )
    Charge.objects.bulk_create(
        Charge(plot=p, article=membership, amount=Decimal("7200.00"), accrued_on=datetime.date(2017, 1, 1))
        for p in rows
    )
    confirm(user, *rows)


@pytest.fixture(params=SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def pages(request, site_pages):  # noqa: F811 - the fixture above
    """The public tree with a dozen more announcements, and the contact page chosen in the settings."""
    for day in range(1, 13):
        make_announcement(site_pages.announcements, f"Объявление {day}", datetime.date(2023, 1, day))
    site_pages.settings.contact_page = site_pages.contact
    site_pages.settings.save()
    TariffFactory(valid_from=datetime.date(2010, 1, 1))
    user = get_user_model().objects.create_user(username="400", email="budget@example.org", password="Budget-2024")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    Profile.objects.create(user=user, owner_name="Садовод", phone="89991234567", sms_consent=True)
    _history(user, *request.param)
    site_pages.user = user
    return site_pages


def _count(client, url, django_assert_num_queries, expected: int, budget: int) -> None:
    assert expected <= budget, f"{url}: {expected} queries is over the budget of {budget}"
    client.get(url)  # the first answer may set the CSRF cookie
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK, url


@pytest.mark.parametrize(
    ("name", "expected"),
    [("charter", 3), ("home", 5), ("announcements", 5), ("latest", 4), ("contact", 4), ("board", 4)],
)
def test_public_pages_anonymous(client, pages, name, expected, django_assert_num_queries):
    budget = CONTENT_PAGE if name == "charter" else PUBLIC_PAGE
    _count(client, getattr(pages, name).url, django_assert_num_queries, expected, budget)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("charter", 5), ("home", 7), ("announcements", 7), ("latest", 6), ("contact", 6), ("board", 6)],
)
def test_public_pages_signed_in(client, pages, name, expected, django_assert_num_queries):
    client.force_login(pages.user)
    budget = CONTENT_PAGE if name == "charter" else PUBLIC_PAGE
    _count(client, getattr(pages, name).url, django_assert_num_queries, expected, budget)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/cabinet/", 7),
        ("/cabinet/edit/", 8),
        ("/cabinet/payments/", 8),
        ("/cabinet/electricity/", 8),
        ("/cabinet/reconciliation/", 6),
        ("/cabinet/phone/", 6),
        ("/cabinet/privacy/", 4),
    ],
)
def test_cabinet_pages(client, pages, url, expected, django_assert_num_queries):
    client.force_login(pages.user)
    _count(client, url, django_assert_num_queries, expected, CABINET_PAGE)
