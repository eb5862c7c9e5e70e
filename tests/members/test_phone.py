"""Proving a phone by a one-time SMS code, through a fake SMS.ru on 127.0.0.1 over real HTTP."""

import datetime
import re
import threading
from http import HTTPStatus

import pytest
from django.db import connection
from django.utils import timezone

from members.models import PhoneVerification, PlotClaim, Profile
from members.services.claims import claim_plots
from members.services.phone import (
    PhoneCodeTooSoon,
    PhoneVerificationError,
    code_hash,
    phone_code_confirm,
    phone_code_send,
    phone_code_text,
)
from members.services.profile import registration_data_update
from members.sms.segments import sms_segments
from tests.factories import PlotFactory

pytestmark = pytest.mark.django_db

PHONE = "89031221105"


@pytest.fixture(autouse=True)
def _site_settings(db):
    from wagtail.models import Site

    from home.models import SiteSettings

    site = Site.objects.filter(is_default_site=True).first()
    if site is not None:
        SiteSettings.objects.update_or_create(site=site, defaults={"short_name": "СНТ Аникино"})


@pytest.fixture
def stranger(make_member):
    """A member whose email matches no registry entry: only a proven phone can confirm for them."""
    user = make_member(username="500", email="stranger@example.org")
    Profile.objects.create(user=user, phone=PHONE)
    return user


def last_code(fake, phone=PHONE) -> str:
    number, text = fake.sent_texts[-1]
    assert number == "7" + phone[1:]
    return re.search(r"\d{6}$", text).group(0)


def wrong_for(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def backdate(**delta):
    """Move every code back in time, as if `delta` had passed."""
    for row in PhoneVerification.objects.all():
        row.created_at -= datetime.timedelta(**delta)
        row.expires_at -= datetime.timedelta(**delta)
        row.save()


# --- sending ---------------------------------------------------------------------------------


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
    Profile.objects.create(user=user, phone="")
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
        Profile.objects.create(user=user, phone=PHONE)
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
        Profile.objects.create(user=user, phone=PHONE)
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
        Profile.objects.create(user=user, phone=f"8903000000{n}")
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


# --- confirming --------------------------------------------------------------------------------


def test_the_right_code_proves_the_phone_and_confirms_the_matching_pending_claim(stranger, make_member, fake_smsru):
    PlotFactory(number=270, owner_phone="79031221105")
    PlotFactory(number=271, owner_phone="89990000000")
    claim_plots(user=stranger, plot_numbers=[270, 271])
    assert set(PlotClaim.objects.filter(user=stranger).values_list("status", flat=True)) == {"pending"}

    phone_code_send(user=stranger)
    result = phone_code_confirm(user=stranger, code=last_code(fake_smsru))
    assert (result.ok, result.confirmed) == (True, [270])
    profile = Profile.objects.get(user=stranger)
    assert profile.phone_verified and profile.verified_phone == PHONE and profile.phone_verified_at
    assert dict(PlotClaim.objects.filter(user=stranger).values_list("plot__number", "status")) == {
        270: "confirmed",
        271: "pending",
    }
    assert PhoneVerification.objects.get().used_at is not None
    again = phone_code_confirm(user=stranger, code=last_code(fake_smsru))
    assert again.ok and again.already_verified and again.confirmed == []


def test_a_proven_phone_never_takes_over_a_plot_confirmed_for_someone_else(stranger, make_member, fake_smsru):
    plot = PlotFactory(number=270, owner_phone=PHONE)
    holder = make_member(username="270", email="holder@example.org")
    PlotClaim.objects.create(user=holder, plot=plot, status=PlotClaim.Status.CONFIRMED)
    claim_plots(user=stranger, plot_numbers=[270])
    phone_code_send(user=stranger)
    result = phone_code_confirm(user=stranger, code=last_code(fake_smsru))
    assert result.ok and result.confirmed == []
    assert PlotClaim.objects.get(user=stranger).status == PlotClaim.Status.PENDING


def test_wrong_codes_are_counted_and_the_fifth_kills_the_code(stranger, fake_smsru):
    phone_code_send(user=stranger)
    code = last_code(fake_smsru)
    wrong = wrong_for(code)
    messages = [phone_code_confirm(user=stranger, code=wrong).error for _ in range(5)]
    assert messages == [
        "Неверный код. Осталось попыток: 4.",
        "Неверный код. Осталось попыток: 3.",
        "Неверный код. Осталось попыток: 2.",
        "Неверный код. Осталось попыток: 1.",
        "Слишком много неверных попыток. Получите новый код.",
    ]
    late = phone_code_confirm(user=stranger, code=code)
    assert (late.ok, late.error) == (False, "Слишком много неверных попыток. Получите новый код.")
    assert PhoneVerification.objects.get().attempts == 5
    assert not Profile.objects.get(user=stranger).phone_verified


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "１２３４５６", "²²²²²²", "12 34 56", "x" * 10_000])
def test_malformed_codes_are_refused_without_an_attempt(stranger, fake_smsru, typed):
    phone_code_send(user=stranger)
    result = phone_code_confirm(user=stranger, code=typed)
    assert (result.ok, result.error) == (False, "Код — 6 цифр из SMS.")
    assert PhoneVerification.objects.get().attempts == 0


def test_an_expired_code_is_refused(stranger, fake_smsru):
    phone_code_send(user=stranger)
    backdate(minutes=10)
    result = phone_code_confirm(user=stranger, code=last_code(fake_smsru))
    assert (result.ok, result.error) == (False, "Срок действия кода истёк. Получите новый код.")
    assert not Profile.objects.get(user=stranger).phone_verified


def test_changing_the_phone_drops_the_proof_and_the_waiting_code(stranger, fake_smsru):
    PlotFactory(number=270, owner_phone="89990001122")
    phone_code_send(user=stranger)
    assert phone_code_confirm(user=stranger, code=last_code(fake_smsru)).ok
    backdate(seconds=61)
    phone_code_send_fails = pytest.raises(PhoneVerificationError, match="уже подтверждён")
    with phone_code_send_fails:
        phone_code_send(user=stranger)

    registration_data_update(
        user=stranger, plot_numbers=[270], owner_name="", contact_persons="", phone="89990001122", sms_consent=True
    )
    profile = Profile.objects.get(user=stranger)
    assert not profile.phone_verified
    assert (profile.verified_phone, profile.phone_verified_at) == ("", None)
    assert PlotClaim.objects.get(user=stranger).status == PlotClaim.Status.PENDING

    # back to the first number: proven once, but the proof was dropped with the change
    registration_data_update(
        user=stranger, plot_numbers=[270], owner_name="", contact_persons="", phone=PHONE, sms_consent=True
    )
    assert not Profile.objects.get(user=stranger).phone_verified


def test_a_code_sent_to_the_old_phone_does_not_prove_the_new_one(stranger, fake_smsru):
    PlotFactory(number=270, owner_phone="89990001122")
    phone_code_send(user=stranger)
    code = last_code(fake_smsru)
    registration_data_update(
        user=stranger, plot_numbers=[270], owner_name="", contact_persons="", phone="89990001122", sms_consent=False
    )
    result = phone_code_confirm(user=stranger, code=code)
    assert not result.ok
    assert not Profile.objects.get(user=stranger).phone_verified
    assert PlotClaim.objects.get(user=stranger).status == PlotClaim.Status.PENDING


def test_another_members_proof_never_applies(stranger, make_member, fake_smsru):
    """Two accounts type the same phone; the one who proves it proves it for themselves only."""
    PlotFactory(number=270, owner_phone=PHONE)
    other = make_member(username="700", email="other@example.org")
    Profile.objects.create(user=other, phone=PHONE)
    claim_plots(user=other, plot_numbers=[270])
    phone_code_send(user=stranger)
    code = last_code(fake_smsru)
    assert "Сначала нажмите «Получить код»" in phone_code_confirm(user=other, code=code).error
    assert phone_code_confirm(user=stranger, code=code).ok
    assert not Profile.objects.get(user=other).phone_verified
    claim_plots(user=other, plot_numbers=[270])
    assert PlotClaim.objects.get(user=other).status == PlotClaim.Status.PENDING


# --- two at once -------------------------------------------------------------------------------


def run_at_once(target, count):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(target())
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_submissions_of_the_right_code_at_once_prove_the_phone_once(make_member, fake_smsru):
    user = make_member(username="800", email="twice@example.org")
    Profile.objects.create(user=user, phone=PHONE)
    PlotFactory(number=270, owner_phone=PHONE)
    claim_plots(user=user, plot_numbers=[270])
    phone_code_send(user=user)
    code = last_code(fake_smsru)
    results, errors = run_at_once(lambda: phone_code_confirm(user=user, code=code), 6)
    assert errors == []
    assert sorted(r.already_verified for r in results) == [False] + [True] * 5
    assert [r.confirmed for r in results if not r.already_verified] == [[270]]
    assert PlotClaim.objects.get(user=user).status == PlotClaim.Status.CONFIRMED


@pytest.mark.django_db(transaction=True)
def test_wrong_codes_at_once_are_all_counted_and_never_more_than_five(make_member, fake_smsru):
    user = make_member(username="801", email="brute@example.org")
    Profile.objects.create(user=user, phone=PHONE)
    phone_code_send(user=user)
    code = last_code(fake_smsru)
    wrong = wrong_for(code)
    results, errors = run_at_once(lambda: phone_code_confirm(user=user, code=wrong), 8)
    assert errors == []
    assert not any(r.ok for r in results)
    assert PhoneVerification.objects.get().attempts == 5
    assert not phone_code_confirm(user=user, code=code).ok


@pytest.mark.django_db(transaction=True)
def test_sends_at_once_send_one_sms(make_member, fake_smsru):
    user = make_member(username="802", email="double@example.org")
    Profile.objects.create(user=user, phone=PHONE)
    results, errors = run_at_once(lambda: phone_code_send(user=user), 6)
    assert len(results) == 1
    assert [type(e) for e in errors] == [PhoneCodeTooSoon] * 5
    assert len(fake_smsru.sent_texts) == 1
    assert PhoneVerification.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_sends_to_one_number_from_several_accounts_at_once_send_one_sms(make_member, fake_smsru):
    users = []
    for n in range(6):
        user = make_member(username=str(810 + n), email=f"many{n}@example.org")
        Profile.objects.create(user=user, phone=PHONE)
        users.append(user)
    turn = iter(users)
    lock = threading.Lock()

    def send():
        with lock:
            user = next(turn)
        return phone_code_send(user=user)

    results, errors = run_at_once(send, 6)
    assert len(results) == 1
    assert [type(e) for e in errors] == [PhoneCodeTooSoon] * 5
    assert len(fake_smsru.sent_texts) == 1


# --- the page ----------------------------------------------------------------------------------


@pytest.fixture
def stranger_client(client, stranger):
    client.force_login(stranger)
    return client


def test_page_needs_login_and_a_confirmed_email(client, make_member):
    assert client.get("/cabinet/phone/")["Location"] == "/accounts/login/?next=/cabinet/phone/"
    assert client.post("/cabinet/phone/", {"action": "send"})["Location"].startswith("/accounts/login/")
    unverified = make_member(username="900", email="unverified@example.org", verified=False)
    Profile.objects.create(user=unverified, phone=PHONE)
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
