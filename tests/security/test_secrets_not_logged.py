"""Secrets never reach the logs: a signup, logins, a password reset, a phone entered in the
profile and an SMS run through the SMS.ru gateway, everything logged at DEBUG and everything
printed, grepped for the password, the API id and the phone."""

import logging
import re

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.models import Site

from home.models import SiteSettings
from members.models import PlotClaim, SmsMessage
from members.sms.sending import monthly_sms_run
from tests.factories import TariffFactory
from tests.fakes.smsru import FakeSmsRu
from tests.members.sms.helpers import plot_with_readings

pytestmark = pytest.mark.django_db

PASSWORD = "Tainyi-Parol-7319"
WRONG_PASSWORD = "Nevernyi-Parol-4408"
NEW_PASSWORD = "Novyi-Parol-2286"
API_ID = "A1B2C3D4-5E6F-7081-92A3-B4C5D6E7F809"
PHONE = "89031221105"
SECRETS = (PASSWORD, WRONG_PASSWORD, NEW_PASSWORD, API_ID, PHONE, "7" + PHONE[1:], "+7" + PHONE[1:])


@pytest.fixture
def smsru(settings):
    server = FakeSmsRu(api_id=API_ID).start()
    settings.SMS_BACKEND = "smsru"
    settings.SMSRU_API_URL = server.url
    settings.SMSRU_API_ID = API_ID
    settings.SMSRU_TEST = False
    settings.SMSRU_TIMEOUT = 2.0
    yield server
    server.stop()


@pytest.fixture
def every_logger_at_debug(caplog):
    """caplog sees every record of every logger, whatever the LOGGING setting says."""
    loggers = [logging.getLogger()] + [
        logging.getLogger(name) for name in list(logging.root.manager.loggerDict) if name
    ]
    levels = {logger: logger.level for logger in loggers}
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    yield caplog
    for logger, level in levels.items():
        logger.setLevel(level)


def link_in_last_mail() -> str:
    match = re.search(r"http://testserver(/accounts/\S+)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def test_signup_login_reset_and_sms_run_log_no_secret(client, smsru, every_logger_at_debug, capfd):
    caplog = every_logger_at_debug
    site = Site.objects.get(is_default_site=True)
    SiteSettings.objects.update_or_create(site=site, defaults={"short_name": "СНТ Аникино"})
    TariffFactory()
    plot = plot_with_readings(269, (9012, 2901), (9532, 3118))

    # signup and email confirmation
    signup = {"username": "269", "email": "m269@example.org", "password1": PASSWORD, "password2": PASSWORD}
    assert client.post(reverse("account_signup"), {**signup, "consent": "on"}).status_code == 302
    client.post(link_in_last_mail())
    client.logout()

    # a failed and a successful login
    client.post(reverse("account_login"), {"login": "269", "password": WRONG_PASSWORD})
    assert "_auth_user_id" not in client.session
    client.post(reverse("account_login"), {"login": "269", "password": PASSWORD})
    assert "_auth_user_id" in client.session

    # the phone, entered the way people type it
    edit = {"plots": "269", "owner_name": "", "contact_persons": "", "phone": "+7 903 122-11-05", "sms_consent": "yes"}
    assert client.post(reverse("cabinet:edit"), edit).status_code == 302
    client.logout()

    # password reset
    client.post(reverse("account_reset_password"), {"email": "m269@example.org"})
    key_page = client.get(link_in_last_mail())
    form_url = key_page["Location"] if key_page.status_code == 302 else link_in_last_mail()
    assert client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}).status_code == 302

    # the monthly SMS run through the SMS.ru gateway
    PlotClaim.objects.filter(plot=plot).update(status=PlotClaim.Status.CONFIRMED)
    monthly_sms_run(period="2022-05")
    assert smsru.sent_texts and smsru.sent_texts[0][0] == "7" + PHONE[1:]
    assert SmsMessage.objects.get().status == SmsMessage.Status.SENT

    captured = capfd.readouterr()
    logged = "\n".join(
        [record.getMessage() for record in caplog.records]
        + [str(record.args) for record in caplog.records]
        + [caplog.text, captured.out, captured.err]
    )
    names = {record.name for record in caplog.records}
    assert {"members.auth", "members.sms", "urllib3.connectionpool"} <= names, names  # DEBUG records too
    leaks = [secret for secret in SECRETS if secret in logged]
    assert not leaks, f"logged: {leaks}"
