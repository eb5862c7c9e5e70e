import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail

from tests.factories import PlotFactory
from tests.fakes.smsru import FakeSmsRu
from tests.home.factories import site_pages  # noqa: F401 - fixture

PASSWORD = "Sad-2024x"


@pytest.fixture
def fake_smsru(settings):
    """A fake SMS.ru on 127.0.0.1, with the smsru gateway pointed at it."""
    server = FakeSmsRu().start()
    settings.SMS_BACKEND = "smsru"
    settings.SMSRU_API_URL = server.url
    settings.SMSRU_API_ID = server.api_id
    settings.SMSRU_TEST = False
    settings.SMSRU_TIMEOUT = 1.0
    yield server
    server.stop()


@pytest.fixture
def plot_269(db):
    return PlotFactory(number=269, owner_email="member269@example.org", owner_phone="89031221105")


@pytest.fixture
def plot_270(db):
    return PlotFactory(number=270, owner_email="", owner_phone="")


@pytest.fixture
def make_member(db):
    """A member account as allauth leaves it after signup (verified or not)."""

    def make(username="269", email="member269@example.org", password=PASSWORD, verified=True):
        user = get_user_model().objects.create_user(username=username, email=email, password=password)
        EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
        return user

    return make


@pytest.fixture
def member(make_member, plot_269):
    return make_member()


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


def link_in_last_mail(pattern: str = r"http://testserver/accounts/\S+") -> str:
    """The first link of the newest letter, as a path for the test client."""
    match = re.search(pattern, mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(0).removeprefix("http://testserver")
