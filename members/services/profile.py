"""«Изменить регистрационные данные»: the profile and the plot list, saved together."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from members.models import Profile
from members.services.claims import ClaimResult, claim_plots


@transaction.atomic
def registration_data_update(
    *,
    user: AbstractBaseUser,
    plot_numbers: list[int],
    owner_name: str,
    contact_persons: str,
    phone: str,
    sms_consent: bool,
    debt_email_consent: bool | None = None,
) -> ClaimResult:
    """Save the profile, then the claims. A changed phone loses its SMS proof: the new number is
    only a contact until proven (services.phone). `phone` must already be normalised or empty;
    `debt_email_consent` None (the question left unanswered) keeps the member's answer."""
    profile, _ = Profile.objects.select_for_update().get_or_create(user=user)
    if profile.phone != phone:
        profile.verified_phone = ""
        profile.phone_verified_at = None
    profile.owner_name = owner_name.strip()
    profile.contact_persons = contact_persons.strip()
    profile.phone = phone
    profile.sms_consent = sms_consent and bool(phone)
    if debt_email_consent is not None:
        profile.debt_email_consent = debt_email_consent
    profile.save()
    return claim_plots(user=user, plot_numbers=plot_numbers)
