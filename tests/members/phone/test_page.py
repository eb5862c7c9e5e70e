"""The «Подтверждение телефона» page, and typed data: only ASCII digits make a phone, erasure
forgets the proof, a dead or huge code is handled plainly."""

from http import HTTPStatus

import pytest
from django.utils import timezone

from members.models import PhoneVerification, Profile
from members.services.phone import phone_code_confirm, phone_code_send
from tests.factories import ProfileFactory
from tests.members.phone.helpers import PHONE, last_code, wrong_for

pytestmark = pytest.mark.django_db


def test_page_needs_login_and_a_confirmed_email(client, make_member):
    assert client.get("/cabinet/phone/")["Location"] == "/accounts/login/?next=/cabinet/phone/"
    assert client.post("/cabinet/phone/", {"action": "send"})["Location"].startswith("/accounts/login/")
    unverified = make_member(username="900", email="unverified@example.org", verified=False)
    ProfileFactory(user=unverified, phone=PHONE)
    client.force_login(unverified)
    response = client.post("/cabinet/phone/", {"action": "send"})
    assert "Получить код" not in response.content.decode()
    assert not PhoneVerification.objects.exists()


def test_posts_need_the_csrf_token(stranger, fake_smsru):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(stranger)
    assert client.post("/cabinet/phone/", {"action": "send"}).status_code == HTTPStatus.FORBIDDEN
    assert fake_smsru.sent_texts == []


def test_page_flow_get_code_then_confirm(stranger_client, stranger, fake_smsru):
    html = stranger_client.get("/cabinet/phone/").content.decode()
    assert "89031221105</strong> — не подтверждён" in html
    assert "Получить код" in html

    response = stranger_client.post("/cabinet/phone/", {"action": "send"}, follow=True)
    html = response.content.decode()
    assert "Код отправлен в SMS на номер 89*******05" in html
    assert "Получить новый код" in html

    again = stranger_client.post("/cabinet/phone/", {"action": "send"}, follow=True).content.decode()
    assert "Новый код можно получить через" in again

    wrong = stranger_client.post("/cabinet/phone/", {"action": "confirm", "code": wrong_for(last_code(fake_smsru))})
    assert wrong.status_code == HTTPStatus.FOUND
    assert "Неверный код. Осталось попыток: 4." in stranger_client.get(wrong["Location"]).content.decode()

    done = stranger_client.post(
        "/cabinet/phone/", {"action": "confirm", "code": last_code(fake_smsru)}, follow=True
    ).content.decode()
    assert "Телефон подтверждён." in done
    assert "89031221105</strong> — подтверждён" in done
    assert "(подтверждён)" in stranger_client.get("/cabinet/").content.decode()


def test_page_without_a_phone_sends_to_the_edit_page(client, make_member, fake_smsru):
    user = make_member(username="901", email="nophone@example.org")
    client.force_login(user)
    html = client.get("/cabinet/phone/").content.decode()
    assert "Телефон не указан" in html
    assert 'href="/cabinet/edit/"' in html
    response = client.post("/cabinet/phone/", {"action": "send"}, follow=True)
    assert "Сначала укажите мобильный телефон в регистрационных данных." in response.content.decode()
    empty = client.post("/cabinet/phone/", {"action": "confirm", "code": ""}, follow=True)
    assert "Введите код из SMS." in empty.content.decode()
    typed = client.post("/cabinet/phone/", {"action": "confirm", "code": "123456"}, follow=True)
    assert "Сначала укажите мобильный телефон в регистрационных данных." in typed.content.decode()


def test_profile_and_edit_pages_say_whether_the_phone_is_confirmed_and_link_the_page(stranger_client, stranger):
    assert "не подтверждён" in stranger_client.get("/cabinet/").content.decode()
    for path in ("/cabinet/", "/cabinet/edit/"):
        assert 'href="/cabinet/phone/"' in stranger_client.get(path).content.decode()
    Profile.objects.filter(user=stranger).update(verified_phone=PHONE, phone_verified_at=timezone.now())
    assert "(подтверждён)" in stranger_client.get("/cabinet/").content.decode()
    assert "подтверждён кодом из SMS" in stranger_client.get("/cabinet/edit/").content.decode()


# --- typed data ---------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["8903122110٥", "８９０３１２２１１０５", "+٧ 903 122-11-05", "89031221105²"])
def test_a_phone_is_ascii_digits_only(typed):
    """«٥» passed str.isdigit-style checks and was stored as a phone the gateway cannot dial."""
    from django.core.exceptions import ValidationError

    from members.phones import normalize_phone

    with pytest.raises(ValidationError):
        normalize_phone(typed)


def test_erasure_forgets_the_proven_phone_and_the_codes(stranger, fake_smsru):
    from members.services.privacy import member_data_erase

    phone_code_send(user=stranger)
    assert phone_code_confirm(user=stranger, code=last_code(fake_smsru)).ok
    member_data_erase(user=stranger)
    profile = Profile.objects.get(user=stranger)
    assert (profile.phone, profile.verified_phone, profile.phone_verified_at) == ("", "", None)
    assert not PhoneVerification.objects.filter(user=stranger).exists()


def test_the_page_stops_offering_a_dead_code(stranger_client, stranger, fake_smsru):
    phone_code_send(user=stranger)
    assert "Код отправлен на номер 89*******05" in stranger_client.get("/cabinet/phone/").content.decode()
    for _ in range(5):
        phone_code_confirm(user=stranger, code=wrong_for(last_code(fake_smsru)))
    html = stranger_client.get("/cabinet/phone/").content.decode()
    assert "Код отправлен на номер" not in html
    assert "Получить код" in html


def test_a_huge_code_gets_the_plain_message(stranger_client, stranger, fake_smsru):
    phone_code_send(user=stranger)
    response = stranger_client.post("/cabinet/phone/", {"action": "confirm", "code": "1" * 100_000}, follow=True)
    assert "Код — 6 цифр из SMS." in response.content.decode()
    assert PhoneVerification.objects.get().attempts == 0
