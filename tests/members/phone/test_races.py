"""Requests that arrive at once: a code proves the phone once, wrong codes are all counted, one SMS
is sent however many sends race."""

import threading

import pytest
from django.db import connection

from members.models import PhoneVerification, PlotClaim
from members.services.claims import claim_plots
from members.services.phone import PhoneCodeTooSoon, phone_code_confirm, phone_code_send
from tests.factories import PlotFactory, ProfileFactory
from tests.members.phone.helpers import PHONE, last_code, wrong_for

pytestmark = pytest.mark.django_db


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
    ProfileFactory(user=user, phone=PHONE)
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
    ProfileFactory(user=user, phone=PHONE)
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
    ProfileFactory(user=user, phone=PHONE)
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
        ProfileFactory(user=user, phone=PHONE)
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
