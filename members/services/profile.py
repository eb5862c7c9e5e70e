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
) -> ClaimResult:
    """Save the profile first: a new phone may confirm a claim through the registry at once.
    `phone` must already be normalised (8XXXXXXXXXX) or empty."""
    Profile.objects.update_or_create(
        user=user,
        defaults={
            "owner_name": owner_name.strip(),
            "contact_persons": contact_persons.strip(),
            "phone": phone,
            "sms_consent": sms_consent and bool(phone),
        },
    )
    return claim_plots(user=user, plot_numbers=plot_numbers)
