"""Confirming a phone with the code: the right code proves it (and confirms a matching pending
claim), wrong, malformed, expired or stale codes never do."""

import pytest

from members.models import PhoneVerification, PlotClaim, Profile
from members.services.claims import claim_plots
from members.services.phone import PhoneVerificationError, phone_code_confirm, phone_code_send
from members.services.profile import registration_data_update
from tests.factories import PlotClaimFactory, PlotFactory, ProfileFactory
from tests.members.phone.helpers import PHONE, backdate, last_code, wrong_for

pytestmark = pytest.mark.django_db


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
    PlotClaimFactory(user=holder, plot=plot, status=PlotClaim.Status.CONFIRMED)
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
    ProfileFactory(user=other, phone=PHONE)
    claim_plots(user=other, plot_numbers=[270])
    phone_code_send(user=stranger)
    code = last_code(fake_smsru)
    assert "Сначала нажмите «Получить код»" in phone_code_confirm(user=other, code=code).error
    assert phone_code_confirm(user=stranger, code=code).ok
    assert not Profile.objects.get(user=other).phone_verified
    claim_plots(user=other, plot_numbers=[270])
    assert PlotClaim.objects.get(user=other).status == PlotClaim.Status.PENDING
