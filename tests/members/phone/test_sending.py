"""Sending a one-time code by SMS, through a fake SMS.ru on 127.0.0.1 over real HTTP: one part,
only a keyed hash kept, and the limits per member, per number and per site."""

import datetime
import re

import pytest
from django.utils import timezone

from members.models import PhoneVerification, Profile
from members.services.phone import (
    PhoneCodeTooSoon,
    PhoneVerificationError,
    code_hash,
    phone_code_confirm,
    phone_code_send,
    phone_code_text,
)
from members.sms.segments import sms_segments
from tests.factories import ProfileFactory
from tests.members.phone.helpers import PHONE, backdate, last_code, wrong_for

pytestmark = pytest.mark.django_db


def test_code_goes_by_sms_in_one_part_and_only_its_hash_is_stored(stranger, fake_smsru):
    sent = phone_code_send(user=stranger)
    number, text = fake_smsru.sent_texts[-1]
    assert number == "79031221105"
    assert re.fullmatch(r"СНТ Аникино: код подтверждения телефона \d{6}", text)
    assert sms_segments(text) == 1
    code = last_code(fake_smsru)
    row = PhoneVerification.objects.get()
    stored = " ".join(str(v) for v in PhoneVerification.objects.values_list().get())
    assert code not in stored
    assert row.code_hash == code_hash(phone=PHONE, code=code)
    assert row.expires_at - row.created_at == datetime.timedelta(minutes=10)
    assert sent.phone == "89*******05"


def test_the_hash_is_keyed_and_bound_to_the_phone(settings):
    first = code_hash(phone=PHONE, code="123456")
    assert first != code_hash(phone="89990001122", code="123456")
    settings.SECRET_KEY = "another-key"
    assert first != code_hash(phone=PHONE, code="123456")


def test_a_long_signature_still_fits_one_part(settings):
    from wagtail.models import Site

    from home.models import SiteSettings

    site = Site.objects.get(is_default_site=True)
    SiteSettings.objects.filter(site=site).update(short_name="Садоводческое товарищество Аникино-два")
    text = phone_code_text(code="123456")
    assert text == "Садоводческое товарищество Аникино-два: код 123456"
    assert sms_segments(text) == 1


def test_no_phone_no_code(make_member, fake_smsru):
    user = make_member(username="501", email="nophone@example.org")
    with pytest.raises(PhoneVerificationError, match="укажите мобильный телефон"):
        phone_code_send(user=user)
    ProfileFactory(user=user, phone="")
    with pytest.raises(PhoneVerificationError, match="укажите мобильный телефон"):
        phone_code_send(user=user)
    assert fake_smsru.sent_texts == []


def test_resend_waits_a_minute_and_says_how_long(stranger, fake_smsru):
    phone_code_send(user=stranger)
    with pytest.raises(PhoneCodeTooSoon) as error:
        phone_code_send(user=stranger)
    assert 55 <= error.value.seconds <= 60
    assert re.fullmatch(r"Новый код можно получить через \d+ секунд[уы]?\.", str(error.value))
    assert len(fake_smsru.sent_texts) == 1
    backdate(seconds=61)
    phone_code_send(user=stranger)
    assert len(fake_smsru.sent_texts) == 2


def test_at_most_five_codes_a_day_per_member(stranger, fake_smsru):
    for _ in range(5):
        phone_code_send(user=stranger)
        backdate(minutes=5)
    with pytest.raises(PhoneVerificationError, match="Слишком много кодов за сутки"):
        phone_code_send(user=stranger)
    backdate(hours=24)
    phone_code_send(user=stranger)
    assert len(fake_smsru.sent_texts) == 6


def test_limits_hold_per_number_across_accounts(make_member, fake_smsru):
    """Several accounts cannot bomb one number with codes."""
    users = []
    for n in range(12):
        user = make_member(username=str(600 + n), email=f"u{n}@example.org")
        ProfileFactory(user=user, phone=PHONE)
        users.append(user)
    phone_code_send(user=users[0])
    with pytest.raises(PhoneCodeTooSoon):
        phone_code_send(user=users[1])
    for user in users[1:10]:
        backdate(minutes=2)
        phone_code_send(user=user)
    backdate(minutes=2)
    with pytest.raises(PhoneVerificationError, match="Слишком много кодов за сутки"):
        phone_code_send(user=users[10])
    assert len(fake_smsru.sent_texts) == 10


def test_one_stranger_cannot_use_up_the_owners_codes(make_member, fake_smsru):
    """A stranger types the owner's number and asks for codes all day: the owner still gets one."""
    stranger, owner = (make_member(username=u, email=f"{u}@example.org") for u in ("700", "701"))
    for user in (stranger, owner):
        ProfileFactory(user=user, phone=PHONE)
    for _ in range(5):
        phone_code_send(user=stranger)
        backdate(minutes=2)
    with pytest.raises(PhoneVerificationError, match="Слишком много кодов за сутки"):
        phone_code_send(user=stranger)
    phone_code_send(user=owner)
    assert len(fake_smsru.sent_texts) == 6


def test_the_site_sends_at_most_so_many_codes_a_day(make_member, fake_smsru, settings):
    settings.PHONE_CODES_PER_DAY = 2
    for n in range(3):
        user = make_member(username=str(800 + n), email=f"s{n}@example.org")
        ProfileFactory(user=user, phone=f"8903000000{n}")
        if n < 2:
            phone_code_send(user=user)
        else:
            with pytest.raises(PhoneVerificationError, match="уже отправил много кодов"):
                phone_code_send(user=user)
    assert len(fake_smsru.sent_texts) == 2


def test_a_new_code_kills_the_previous_one(stranger, fake_smsru):
    phone_code_send(user=stranger)
    first = last_code(fake_smsru)
    backdate(seconds=61)
    phone_code_send(user=stranger)
    second = last_code(fake_smsru)
    old, new = PhoneVerification.objects.order_by("pk")
    assert (old.dead, new.dead) == (True, False)
    assert phone_code_confirm(user=stranger, code=wrong_for(first if first != second else "000000")).error.startswith(
        "Неверный код"
    )
    assert phone_code_confirm(user=stranger, code=second).ok


def test_a_refused_message_kills_its_code(stranger, fake_smsru):
    fake_smsru.number_codes["79031221105"] = 202
    with pytest.raises(PhoneVerificationError, match="Не удалось отправить SMS: неправильный номер телефона"):
        phone_code_send(user=stranger)
    assert PhoneVerification.objects.get().dead
    assert "Сначала нажмите «Получить код»" in phone_code_confirm(user=stranger, code="123456").error


def test_an_unreachable_gateway_is_told_in_russian(stranger, settings):
    settings.SMS_BACKEND = "smsru"
    settings.SMSRU_API_URL = "http://127.0.0.1:9"  # nothing listens there
    settings.SMSRU_API_ID = "x"
    settings.SMSRU_TIMEOUT = 1.0
    with pytest.raises(PhoneVerificationError, match="Не удалось отправить SMS"):
        phone_code_send(user=stranger)


def test_an_already_proven_phone_gets_no_code(stranger, fake_smsru):
    Profile.objects.filter(user=stranger).update(verified_phone=PHONE, phone_verified_at=timezone.now())
    with pytest.raises(PhoneVerificationError, match="уже подтверждён"):
        phone_code_send(user=stranger)
    assert fake_smsru.sent_texts == []
