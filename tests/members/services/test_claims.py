import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from members.models import PlotClaim, Profile
from members.services.claims import UnknownPlots, claim_plots, confirm_matching_claims, decide_claims
from tests.factories import PlotClaimFactory, PlotFactory, ProfileFactory

pytestmark = pytest.mark.django_db


def statuses(user):
    return dict(PlotClaim.objects.filter(user=user).values_list("plot__number", "status"))


def test_claim_confirms_itself_when_the_verified_email_matches_the_registry(make_member):
    PlotFactory(number=269, owner_email="Member269@Example.org")
    user = make_member()
    result = claim_plots(user=user, plot_numbers=[269])
    assert result.confirmed == [269]
    claim = PlotClaim.objects.get(user=user)
    assert claim.status == PlotClaim.Status.CONFIRMED
    assert claim.decided_at is not None


def test_unverified_email_does_not_confirm(make_member):
    PlotFactory(number=269, owner_email="member269@example.org")
    user = make_member(verified=False)
    assert claim_plots(user=user, plot_numbers=[269]).pending == [269]


def proven_phone(user, phone):
    """The profile as phone_code_confirm leaves it: the phone proven by an SMS code."""
    Profile.objects.update_or_create(
        user=user, defaults={"phone": phone, "verified_phone": phone, "phone_verified_at": timezone.now()}
    )


def test_a_typed_phone_matching_the_registry_proves_nothing(make_member):
    PlotFactory(number=270, owner_phone="89031221105")
    user = make_member(email="other@example.org")
    ProfileFactory(user=user, phone="89031221105")
    assert claim_plots(user=user, plot_numbers=[270]).pending == [270]
    assert statuses(user) == {270: "pending"}


def test_claim_confirms_itself_when_a_phone_proven_by_sms_matches_the_registry(make_member):
    PlotFactory(number=270, owner_phone="79031221105")
    user = make_member(email="other@example.org")
    proven_phone(user, "89031221105")
    assert claim_plots(user=user, plot_numbers=[270]).confirmed == [270]


def test_a_proof_of_an_earlier_phone_does_not_count_for_the_typed_one(make_member):
    PlotFactory(number=270, owner_phone="89031221105")
    user = make_member(email="other@example.org")
    ProfileFactory(user=user, phone="89031221105", verified_phone="89990001122", phone_verified_at=timezone.now())
    assert claim_plots(user=user, plot_numbers=[270]).pending == [270]


def test_confirm_matching_claims_confirms_pending_claims_once_the_phone_is_proven(make_member):
    PlotFactory(number=270, owner_phone="89031221105")
    PlotFactory(number=271, owner_phone="89990000000")
    user = make_member(email="other@example.org")
    ProfileFactory(user=user, phone="89031221105")
    claim_plots(user=user, plot_numbers=[270, 271])
    assert confirm_matching_claims(user=user) == []
    proven_phone(user, "89031221105")
    assert confirm_matching_claims(user=user) == [270]
    assert statuses(user) == {270: "confirmed", 271: "pending"}


def test_claim_stays_pending_without_a_match(make_member):
    PlotFactory(number=271, owner_email="someone@example.org", owner_phone="89990000000")
    PlotFactory(number=272)
    user = make_member(email="other@example.org")
    result = claim_plots(user=user, plot_numbers=[271, 272])
    assert result.pending == [271, 272]
    assert statuses(user) == {271: "pending", 272: "pending"}


def test_pending_claim_confirms_later_when_a_matching_phone_is_proven(make_member):
    PlotFactory(number=270, owner_phone="89031221105")
    user = make_member(email="other@example.org")
    claim_plots(user=user, plot_numbers=[270])
    ProfileFactory(user=user, phone="89031221105")
    claim_plots(user=user, plot_numbers=[270])
    assert statuses(user) == {270: "pending"}
    proven_phone(user, "89031221105")
    claim_plots(user=user, plot_numbers=[270])
    assert statuses(user) == {270: "confirmed"}


def test_co_owner_claim_on_a_confirmed_plot_stays_pending(make_member):
    PlotFactory(number=269, owner_email="member269@example.org")
    owner = make_member()
    claim_plots(user=owner, plot_numbers=[269])
    co_owner = make_member(username="300", email="wife@example.org")
    assert claim_plots(user=co_owner, plot_numbers=[269]).pending == [269]
    assert statuses(owner) == {269: "confirmed"}


def test_registry_match_does_not_confirm_a_plot_held_by_another_member(make_member):
    PlotFactory(number=270, owner_phone="89031221105")
    holder = make_member(email="holder@example.org")
    PlotClaimFactory(user=holder, plot__number=270, status="confirmed")
    newcomer = make_member(username="271", email="newcomer@example.org")
    proven_phone(newcomer, "89031221105")
    assert claim_plots(user=newcomer, plot_numbers=[270]).pending == [270]
    assert confirm_matching_claims(user=newcomer) == []
    assert statuses(newcomer) == {270: "pending"}


def test_removed_plots_are_withdrawn_but_rejections_stay_on_record(make_member):
    for number in (269, 270, 271):
        PlotFactory(number=number)
    user = make_member(email="other@example.org")
    claim_plots(user=user, plot_numbers=[269, 270, 271])
    decide_claims(
        claim_ids=[PlotClaim.objects.get(user=user, plot__number=271).pk],
        status=PlotClaim.Status.REJECTED,
        decided_by=user,
    )
    result = claim_plots(user=user, plot_numbers=[270])
    assert result.withdrawn == [269]
    assert statuses(user) == {270: "pending", 271: "rejected"}
    again = claim_plots(user=user, plot_numbers=[270, 271])
    assert again.rejected == [271]
    assert statuses(user) == {270: "pending", 271: "rejected"}


def test_unknown_plots_change_nothing(make_member):
    PlotFactory(number=269)
    PlotFactory(number=5, active=False)
    user = make_member(email="other@example.org")
    with pytest.raises(UnknownPlots) as error:
        claim_plots(user=user, plot_numbers=[269, 5, 99999])
    assert error.value.numbers == [5, 99999]
    assert not PlotClaim.objects.exists()


def test_decide_claims_records_who_and_when(make_member, django_user_model):
    PlotFactory(number=269)
    user = make_member(email="other@example.org")
    treasurer = django_user_model.objects.create_user(username="treasurer", password="x")
    claim_plots(user=user, plot_numbers=[269])
    claim = PlotClaim.objects.get()
    assert decide_claims(claim_ids=[claim.pk], status="rejected", decided_by=treasurer, comment="Не ваш") == 1
    claim.refresh_from_db()
    assert (claim.status, claim.decided_by, claim.comment) == ("rejected", treasurer, "Не ваш")
    with pytest.raises(ValueError):
        decide_claims(claim_ids=[claim.pk], status="pending", decided_by=treasurer)


def test_verified_secondary_email_counts(make_member):
    PlotFactory(number=269, owner_email="second@example.org")
    user = make_member(email="first@example.org")
    EmailAddress.objects.create(user=user, email="second@example.org", verified=True, primary=False)
    assert claim_plots(user=user, plot_numbers=[269]).confirmed == [269]


def test_confirming_an_email_later_confirms_the_pending_claim_it_matches(client, make_member):
    from allauth.account.models import EmailConfirmationHMAC

    PlotFactory(number=269, owner_email="owner269@example.org")
    PlotFactory(number=270, owner_email="someone.else@example.org")
    user = make_member(email="first@example.org")
    assert claim_plots(user=user, plot_numbers=[269, 270]).pending == [269, 270]
    address = EmailAddress.objects.create(user=user, email="owner269@example.org", verified=False)
    key = EmailConfirmationHMAC(address).key
    client.force_login(user)
    client.post(f"/accounts/confirm-email/{key}/")
    address.refresh_from_db()
    assert address.verified
    assert statuses(user) == {269: PlotClaim.Status.CONFIRMED, 270: PlotClaim.Status.PENDING}


def test_a_mail_scanner_opening_the_link_confirms_neither_the_address_nor_the_claim(client, make_member):
    """An account adds the registry owner's address: the owner's mail scanner opening the letter's
    link must not hand the plot over (the page asks, one POST confirms)."""
    from allauth.account.models import EmailConfirmationHMAC

    PlotFactory(number=269, owner_email="owner269@example.org")
    intruder = make_member(username="777", email="intruder@example.org")
    claim_plots(user=intruder, plot_numbers=[269])
    address = EmailAddress.objects.create(user=intruder, email="owner269@example.org", verified=False)
    client.get(f"/accounts/confirm-email/{EmailConfirmationHMAC(address).key}/")
    address.refresh_from_db()
    assert not address.verified
    assert statuses(intruder) == {269: PlotClaim.Status.PENDING}
