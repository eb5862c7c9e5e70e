import pytest

from tests.fakes.smsru import FakeSmsRu


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
