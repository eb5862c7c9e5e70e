"""Plot claims: a member lists plots, the registry's contacts confirm them, or the treasurer does."""

from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from billing.models import Plot
from members.cabinet_cache import bump_generation
from members.models import PlotClaim, Profile
from members.phones import normalize_phone


class UnknownPlots(ValueError):
    """Some numbers are not active plots of the registry; nothing was changed."""

    def __init__(self, numbers: list[int]) -> None:
        self.numbers = numbers
        super().__init__("Нет в реестре: " + ", ".join(str(n) for n in numbers))


@dataclass
class ClaimResult:
    confirmed: list[int] = field(default_factory=list)
    pending: list[int] = field(default_factory=list)
    rejected: list[int] = field(default_factory=list)
    withdrawn: list[int] = field(default_factory=list)


def _registry_phone(value: str) -> str:
    try:
        return normalize_phone(value)
    except ValidationError:  # a malformed registry phone simply matches nothing
        return ""


@transaction.atomic
def claim_plots(*, user: AbstractBaseUser, plot_numbers: list[int]) -> ClaimResult:
    """Make the member's claims match `plot_numbers`.

    A new or pending claim confirms itself when one of the member's verified emails or their
    phone equals the plot's registry contact; otherwise it waits for the treasurer. A plot
    confirmed for someone else may still be claimed (co-owners), but only the treasurer
    confirms it: the phone is not verified, so a match must not take over a held plot.
    Plots no longer listed lose their pending/confirmed claims; rejected claims are kept as
    the treasurer's record and are not reopened by listing the plot again.
    """
    numbers = list(dict.fromkeys(plot_numbers))
    plots = {p.number: p for p in Plot.objects.filter(number__in=numbers, active=True)}
    unknown = [n for n in numbers if n not in plots]
    if unknown:
        raise UnknownPlots(unknown)

    emails = {e.lower() for e in EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)}
    profile = Profile.objects.filter(user=user).first()
    phone = profile.phone if profile else ""

    held_by_others = set(
        PlotClaim.objects.filter(plot__in=plots.values(), status=PlotClaim.Status.CONFIRMED)
        .exclude(user=user)
        .values_list("plot_id", flat=True)
    )

    def matches_registry(plot: Plot) -> bool:
        if plot.pk in held_by_others:
            return False
        by_email = bool(plot.owner_email) and plot.owner_email.strip().lower() in emails
        by_phone = bool(phone) and _registry_phone(plot.owner_phone) == phone
        return by_email or by_phone

    result = ClaimResult()
    existing = {c.plot_id: c for c in PlotClaim.objects.select_for_update().filter(user=user)}
    listed_ids = {plots[n].pk for n in numbers}
    withdrawn = [c for c in existing.values() if c.plot_id not in listed_ids and c.status != PlotClaim.Status.REJECTED]
    if withdrawn:
        PlotClaim.objects.filter(pk__in=[c.pk for c in withdrawn]).delete()
        result.withdrawn = sorted(
            Plot.objects.filter(pk__in=[c.plot_id for c in withdrawn]).values_list("number", flat=True)
        )

    now = timezone.now()
    for number in numbers:
        plot = plots[number]
        claim = existing.get(plot.pk)
        if claim is None:
            claim = PlotClaim(user=user, plot=plot)
        if claim.status == PlotClaim.Status.PENDING and matches_registry(plot):
            claim.status = PlotClaim.Status.CONFIRMED
            claim.decided_at = now
            claim.decided_by = None
            claim.comment = "Подтверждено автоматически: контакты совпали с реестром"
        if claim.pk is None or claim.status == PlotClaim.Status.CONFIRMED:
            claim.save()
        getattr(result, claim.status).append(number)
    return result


@transaction.atomic
def decide_claims(*, claim_ids: list[int], status: str, decided_by: AbstractBaseUser, comment: str = "") -> int:
    """The treasurer's decision on several claims at once; returns how many changed."""
    if status not in (PlotClaim.Status.CONFIRMED, PlotClaim.Status.REJECTED):
        raise ValueError(status)
    changed = (
        PlotClaim.objects.filter(pk__in=claim_ids)
        .exclude(status=status)
        .update(status=status, decided_at=timezone.now(), decided_by=decided_by, comment=comment)
    )
    bump_generation()  # a queryset update sends no signal; the members' cabinet pages change
    return changed
