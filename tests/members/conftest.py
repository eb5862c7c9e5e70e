import re

import pytest
from django.core import mail

from tests.fakes.smsru import FakeSmsRu
from tests.home.factories import site_pages  # noqa: F401 - fixture
from tests.members.readings_data import in_window, meter  # noqa: F401 - fixtures of the readings tests


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


def link_in_last_mail(pattern: str = r"http://testserver/accounts/\S+") -> str:
    """The first link of the newest letter, as a path for the test client."""
    match = re.search(pattern, mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(0).removeprefix("http://testserver")
