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


@pytest.fixture(autouse=True)
def _site_settings(db):
    """Signature and due day come from the public site's settings."""
    from wagtail.models import Site

    from home.models import SiteSettings

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:  # a transactional test after a flush: the default signature applies
        return
    SiteSettings.objects.update_or_create(site=site, defaults={"short_name": "СНТ Аникино", "payment_due_day": 5})
