import logging
import threading
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import MD5PasswordHasher, PBKDF2PasswordHasher
from django.core import mail
from django.db import connection
from django.test import Client

from members.adapters import acquire_password_check_slot, release_password_check_slot
from tests.factories import PASSWORD
from tests.members.conftest import link_in_last_mail

pytestmark = pytest.mark.django_db


def login(client, username="269", password=PASSWORD, ip="127.0.0.1", **extra):
    return client.post("/accounts/login/", {"login": username, "password": password, **extra}, REMOTE_ADDR=ip)


def test_login_form_speaks_the_instruction(client):
    html = client.get("/accounts/login/").content.decode()
    for text in [
        "Номер участка (логин)",
        "например, 123",
        "Пароль",
        "Войти",
        "Зарегистрироваться",
        "Забыли пароль?",
        "если у вас несколько участков — номер наименьшего".capitalize(),
    ]:
        assert text in html
    assert 'href="/accounts/signup/"' in html
    assert 'href="/accounts/password/reset/"' in html
    assert "Remember" not in html


def test_member_logs_in_by_plot_number_and_lands_in_the_cabinet(client, member):
    response = login(client)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/cabinet/"
    assert client.get("/cabinet/").status_code == HTTPStatus.OK


def test_wrong_password_says_so_in_russian(client, member):
    response = login(client, password="Wrong-pass1")
    assert response.status_code == HTTPStatus.OK
    assert "Неверный номер участка или пароль" in response.content.decode()


def test_unverified_member_cannot_reach_the_cabinet(client, make_member, plot_269):
    make_member(verified=False)
    response = login(client)
    assert response["Location"] == "/accounts/confirm-email/"
    assert client.get("/cabinet/")["Location"].startswith("/accounts/login/")
    assert mail.outbox, "the confirmation letter is sent again"


def test_signed_in_but_unverified_member_sees_the_notice_not_the_data(client, make_member, plot_269):
    user = make_member(verified=False)
    client.force_login(user)
    response = client.get("/cabinet/")
    assert "Номера ваших участков" not in response.content.decode()
    assert mail.outbox[-1].to == [user.email]
    client.post(link_in_last_mail())
    assert client.get("/cabinet/").status_code == HTTPStatus.OK


class CountingHasher(MD5PasswordHasher):
    """The test hasher, counting every password it hashes (a check or a new password)."""

    calls = 0

    def encode(self, password, salt):
        type(self).calls += 1
        return super().encode(password, salt)


@pytest.fixture
def hashes(settings):
    """How many passwords were hashed since the fixture started."""
    settings.PASSWORD_HASHERS = ["tests.members.test_login.CountingHasher"]
    CountingHasher.calls = 0
    return lambda: CountingHasher.calls


def test_wrong_passwords_from_elsewhere_do_not_lock_the_owner_out(client, member):
    for n in range(20):
        assert login(client, password="Wrong-pass1", ip=f"10.0.0.{n % 4}").status_code == HTTPStatus.OK
    response = login(client, ip="10.0.1.1")  # the owner, from home
    assert response["Location"] == "/cabinet/"


def test_wrong_passwords_lock_only_that_login_from_that_address(client, member, make_member, plot_270):
    make_member(username="270", email="member270@example.org")
    for _ in range(5):
        login(client, password="Wrong-pass1", ip="10.0.0.1")
    locked = login(client, ip="10.0.0.1")
    assert "Слишком много неудачных попыток входа" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert login(client, username="270", ip="10.0.0.1")["Location"] == "/cabinet/"
    client.logout()
    assert login(client, ip="10.0.0.2")["Location"] == "/cabinet/"


def test_leading_zeros_and_spaces_count_against_the_same_login(client, member):
    for typed in ["0269", " 269 ", "00269", "269\u00a0", "0000000000000000000000269"]:
        response = login(client, typed, "Wrong-pass1", ip="10.0.0.1")
        assert "Неверный номер участка или пароль" in response.content.decode()
    assert "Слишком много неудачных попыток входа" in login(client, ip="10.0.0.1").content.decode()


def test_unicode_digits_are_refused_before_any_password_check(client, member, hashes):
    for _ in range(12):
        response = login(client, "\u0662\u0666\u0669", PASSWORD, ip="10.0.0.1")  # ٢٦٩, Arabic-Indic 269
        assert response.status_code == HTTPStatus.OK
        assert "обычными цифрами 0–9" in response.content.decode()
    assert hashes() == 0
    assert login(client, ip="10.0.0.1")["Location"] == "/cabinet/"


def test_once_limited_an_address_costs_no_password_check(client, member, hashes):
    for _ in range(5):
        login(client, password="Wrong-pass1", ip="10.0.0.1")
    checked = hashes()
    for _ in range(20):
        assert "Слишком много" in login(client, password="Wrong-pass1", ip="10.0.0.1").content.decode()
    assert hashes() == checked


@pytest.mark.parametrize("username", ["269", "999"])
def test_a_wrong_password_is_hashed_once(client, member, hashes, username):
    login(client, username=username, password="Wrong-pass1")
    assert hashes() == 1


def test_busy_password_checks_refuse_at_once_without_counting(client, member, hashes, settings):
    settings.LOGIN_PASSWORD_CHECKS_AT_ONCE = 1
    settings.LOGIN_PASSWORD_CHECK_WAIT_SECONDS = 0
    slot = acquire_password_check_slot()
    assert slot is not None
    for _ in range(6):
        response = login(client, ip="10.0.0.1")
        assert "Сейчас сайт проверяет слишком много входов сразу" in response.content.decode()
    assert hashes() == 0
    release_password_check_slot(slot)
    assert login(client, ip="10.0.0.1")["Location"] == "/cabinet/"


class ConcurrencyTrackingPBKDF2(PBKDF2PasswordHasher):
    """The production hasher, with fewer iterations: 1,000,000 cost about a second each on a
    shared 2-core machine, and this test is about how many run at once, not how long each takes."""

    iterations = 50_000
    lock = threading.Lock()
    running = peak = calls = 0

    def encode(self, password, salt, iterations=None):
        cls = type(self)
        with cls.lock:
            cls.running += 1
            cls.calls += 1
            cls.peak = max(cls.peak, cls.running)
        try:
            return super().encode(password, salt, iterations)
        finally:
            with cls.lock:
                cls.running -= 1


@pytest.mark.django_db(transaction=True)
def test_fifty_wrong_logins_at_once_run_one_password_check_at_a_time(settings, make_member, plot_269):
    settings.PASSWORD_HASHERS = ["tests.members.test_login.ConcurrencyTrackingPBKDF2"]
    settings.LOGIN_PASSWORD_CHECKS_AT_ONCE = 1
    settings.LOGIN_PASSWORD_CHECK_WAIT_SECONDS = 0
    member = make_member()
    ConcurrencyTrackingPBKDF2.running = ConcurrencyTrackingPBKDF2.peak = ConcurrencyTrackingPBKDF2.calls = 0
    answers: list[str] = []
    start = threading.Barrier(50)

    def wrong_login(n: int) -> None:
        try:
            start.wait()
            html = login(Client(), password="Wrong-pass1", ip=f"10.5.{n // 250}.{n % 250}").content.decode()
            answers.append(
                "checked"
                if "Неверный номер участка или пароль" in html
                else "busy"
                if "слишком много входов сразу" in html
                else html
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=wrong_login, args=(n,)) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(set(answers)) in (["busy", "checked"], ["checked"]), set(answers)
    assert ConcurrencyTrackingPBKDF2.peak == 1
    assert ConcurrencyTrackingPBKDF2.calls == answers.count("checked")  # a refused login hashes nothing
    assert member.check_password(PASSWORD)


def test_the_emailed_reset_unlocks_the_login_everywhere(client, member):
    for ip in ["10.0.0.1", "10.0.0.2"]:
        for _ in range(5):
            login(client, password="Wrong-pass1", ip=ip)
        assert "Слишком много" in login(client, ip=ip).content.decode()
    client.post("/accounts/password/reset/", {"email": "member269@example.org"}, REMOTE_ADDR="10.0.0.3")
    key_page = client.get(link_in_last_mail(), REMOTE_ADDR="10.0.0.3")
    form_url = key_page["Location"] if key_page.status_code == HTTPStatus.FOUND else link_in_last_mail()
    done = client.post(form_url, {"password1": "Novyi-2024x", "password2": "Novyi-2024x"}, REMOTE_ADDR="10.0.0.3")
    assert done.status_code == HTTPStatus.FOUND
    for ip in ["10.0.0.1", "10.0.0.2"]:
        client.logout()
        assert login(client, password="Novyi-2024x", ip=ip)["Location"] == "/cabinet/"


def test_failed_logins_are_limited_per_ip(client, member, make_member):
    for n in range(10):
        login(client, username=str(500 + n), password="Wrong-pass1", ip="10.9.9.9")
    response = login(client, ip="10.9.9.9")
    assert "Слишком много неудачных попыток входа" in response.content.decode()
    assert login(client, ip="10.9.9.10")["Location"] == "/cabinet/"


def test_login_attempts_are_logged_without_the_password(client, member, caplog):
    with caplog.at_level(logging.INFO, logger="members.auth"):
        login(client, password="Secret-wrong9")
        login(client)
    records = [r for r in caplog.records if r.name == "members.auth"]
    messages = [r.getMessage() for r in records]
    assert any("login failed" in m and "'269'" in m for m in messages)
    assert any("login ok" in m and "'269'" in m for m in messages)
    assert not any("Secret-wrong9" in m or PASSWORD in m for m in messages)


def test_password_reset_flow(client, member):
    response = client.post("/accounts/password/reset/", {"email": "member269@example.org"})
    assert response["Location"] == "/accounts/password/reset/done/"
    letter = mail.outbox[-1]
    assert "Восстановление пароля" in letter.subject
    assert "269" in letter.body
    key_page = client.get(link_in_last_mail())
    form_url = key_page["Location"] if key_page.status_code == HTTPStatus.FOUND else link_in_last_mail()
    done = client.post(form_url, {"password1": "Novyi-2024x", "password2": "Novyi-2024x"})
    assert done.status_code == HTTPStatus.FOUND
    client.logout()
    assert login(client, password="Novyi-2024x")["Location"] == "/cabinet/"


def test_reset_for_an_unknown_email_looks_the_same(client, member):
    known = client.post("/accounts/password/reset/", {"email": "member269@example.org"})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert client.get(unknown["Location"]).content == client.get(known["Location"]).content


def test_email_change_waits_for_confirmation_of_the_new_address(member_client, member):
    page = member_client.get("/accounts/email/").content.decode()
    assert "Изменить электронную почту или пароль" in page
    assert 'href="/accounts/password/change/"' in page

    member_client.post("/accounts/email/", {"action_add": "", "email": "new@example.org"})
    member.refresh_from_db()
    assert member.email == "member269@example.org"
    assert EmailAddress.objects.get(user=member, email="new@example.org").verified is False
    assert mail.outbox[-1].to == ["new@example.org"]

    member_client.post(link_in_last_mail())
    member.refresh_from_db()
    assert member.email == "new@example.org"
    assert list(EmailAddress.objects.filter(user=member).values_list("email", "verified", "primary")) == [
        ("new@example.org", True, True)
    ]


def test_password_change(member_client, member):
    response = member_client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "Drugoi-2024x", "password2": "Drugoi-2024x"},
    )
    assert response.status_code == HTTPStatus.FOUND
    member.refresh_from_db()
    assert member.check_password("Drugoi-2024x")


def test_admin_login_goes_through_the_allauth_login(client):
    response = client.get("/admin/login/")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")
    assert client.post("/admin/login/", {"username": "x", "password": "y"})["Location"].startswith("/accounts/login/")
    assert client.get("/admin/")["Location"].startswith("/accounts/login/")
    assert client.get("/admin/password_reset/")["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("email", ["boss@example.org", ""])
def test_superuser_made_by_createsuperuser_logs_in_and_reaches_the_admin(client, email):
    get_user_model().objects.create_superuser(username="boss", email=email, password="Boss-2024x")
    response = client.post(
        "/accounts/login/?next=/admin/", {"login": "boss", "password": "Boss-2024x", "next": "/admin/"}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == HTTPStatus.OK
    assert client.get("/admin/login/")["Location"] == "/admin/"
    if email:
        assert EmailAddress.objects.get(user__username="boss").verified


def test_staff_who_signed_up_still_needs_a_confirmed_email(client, make_member, plot_269):
    user = make_member(verified=False)
    user.is_staff = True
    user.save()
    assert login(client)["Location"] == "/accounts/confirm-email/"


def test_too_many_logins_from_one_address_get_a_russian_429(client, settings, member):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    for _ in range(2):
        login(client, password="Wrong-pass1", ip="10.7.7.7")
    response = login(client, ip="10.7.7.7")
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Слишком много попыток" in response.content.decode()


def test_signups_are_limited_per_ip(client, settings, plot_269):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "1/h/ip"}
    data = {"username": "269", "email": "a@example.org", "password1": PASSWORD, "password2": PASSWORD, "consent": "on"}
    client.post("/accounts/signup/", data)
    client.cookies.clear()
    response = client.post("/accounts/signup/", {**data, "email": "b@example.org"})
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_leading_zeros_and_spaces_in_the_plot_number_are_forgiven(client, member):
    assert login(client, username=" 0269 ")["Location"] == "/cabinet/"


def test_login_field_takes_any_keyboard_says_its_hint_once_and_describes_itself(client):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(client.get("/accounts/login/").content, "html.parser")
    field = soup.select_one("input[name=login]")
    assert "inputmode" not in field.attrs  # staff log in here with names
    assert "placeholder" not in field.attrs
    described = field["aria-describedby"].split()
    assert all(soup.find(id=target) for target in described)
    text = soup.select_one("form.form--login").get_text(" ")
    assert text.count("например, 123") == 1
    assert text.count("номер наименьшего") == 1
    assert not soup.select("abbr[title]")  # a hover title reaches no phone


def test_one_address_holds_one_password_check_and_others_still_log_in(client, member, hashes, settings):
    """A client busy with one check (a flood from one address) is refused a second, and cannot
    take the other slots: the owner logs in from home meanwhile."""
    settings.LOGIN_PASSWORD_CHECKS_AT_ONCE = 2
    settings.LOGIN_PASSWORD_CHECK_WAIT_SECONDS = 0
    attacker = acquire_password_check_slot("10.0.0.7")
    assert acquire_password_check_slot("10.0.0.7") is None
    response = login(client, ip="10.0.0.7")
    assert "Сейчас сайт проверяет слишком много входов сразу" in response.content.decode()
    assert login(Client(), ip="10.0.0.8")["Location"] == "/cabinet/"
    release_password_check_slot(attacker)
    assert login(Client(), ip="10.0.0.7")["Location"] == "/cabinet/"


def test_a_login_waits_briefly_for_a_slot_instead_of_failing(member, settings):
    settings.LOGIN_PASSWORD_CHECKS_AT_ONCE = 1
    settings.LOGIN_PASSWORD_CHECK_WAIT_SECONDS = 2
    held = acquire_password_check_slot("10.0.0.9")
    threading.Timer(0.3, release_password_check_slot, args=(held,)).start()
    assert login(Client(), ip="10.0.0.10")["Location"] == "/cabinet/"
