"""Plot claims: a member lists plots, the registry's contacts confirm them, or the treasurer does."""

from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_q.tasks import async_task

from billing.models import Plot
from members.cabinet_cache import bump_generation
from members.models import PlotClaim, Profile
from members.partnership import partnership_settings
from members.phones import registry_phone


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


def verified_contacts(*, user: AbstractBaseUser) -> tuple[set[str], str]:
    """The member's proven contacts: confirmed emails (lower case) and the phone proven by an
    SMS code (empty if none). The typed profile phone is not among them."""
    emails = {e.lower() for e in EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)}
    profile = Profile.objects.filter(user=user).first()
    phone = profile.verified_phone if profile is not None and profile.phone_verified else ""
    return emails, phone


def registry_matches(*, plot: Plot, emails: set[str], phone: str) -> bool:
    """A proven contact of the member equals the plot's registry contact."""
    by_email = bool(plot.owner_email.strip()) and plot.owner_email.strip().lower() in emails
    by_phone = bool(phone) and registry_phone(plot.owner_phone) == phone
    return by_email or by_phone


def _held_by_others(*, user: AbstractBaseUser, plot_ids: list[int]) -> set[int]:
    return set(
        PlotClaim.objects.filter(plot_id__in=plot_ids, status=PlotClaim.Status.CONFIRMED)
        .exclude(user=user)
        .values_list("plot_id", flat=True)
    )


def _confirm(claim: PlotClaim, now) -> None:
    claim.status = PlotClaim.Status.CONFIRMED
    claim.decided_at = now
    claim.decided_by = None
    claim.comment = "Подтверждено автоматически: контакты совпали с реестром"


@transaction.atomic
def claim_plots(*, user: AbstractBaseUser, plot_numbers: list[int]) -> ClaimResult:
    """Make the member's claims match `plot_numbers`.

    A new or pending claim confirms itself when one of the member's verified emails, or the
    phone they proved by an SMS code, equals the plot's registry contact; a typed phone proves
    nothing. Otherwise it waits for the treasurer. A plot confirmed for someone else may still
    be claimed (co-owners), but only the treasurer confirms it: a match never takes over a held
    plot. Plots no longer listed lose their pending/confirmed claims; rejected claims are kept
    as the treasurer's record and are not reopened by listing the plot again.
    """
    numbers = list(dict.fromkeys(plot_numbers))
    plots = {p.number: p for p in Plot.objects.filter(number__in=numbers, active=True)}
    unknown = [n for n in numbers if n not in plots]
    if unknown:
        raise UnknownPlots(unknown)

    emails, phone = verified_contacts(user=user)
    held_by_others = _held_by_others(user=user, plot_ids=[p.pk for p in plots.values()])

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
        if (
            claim.status == PlotClaim.Status.PENDING
            and plot.pk not in held_by_others
            and registry_matches(plot=plot, emails=emails, phone=phone)
        ):
            _confirm(claim, now)
        if claim.pk is None or claim.status == PlotClaim.Status.CONFIRMED:
            claim.save()
        getattr(result, claim.status).append(number)
    return result


@transaction.atomic
def confirm_matching_claims(*, user: AbstractBaseUser) -> list[int]:
    """Run the registry match again over the member's pending claims (after a phone was proven);
    returns the numbers of the plots it confirmed. Held plots stay for the treasurer."""
    pending = list(
        PlotClaim.objects.select_for_update()
        .filter(user=user, status=PlotClaim.Status.PENDING, plot__active=True)
        .select_related("plot")
        .order_by("plot__number")
    )
    if not pending:
        return []
    emails, phone = verified_contacts(user=user)
    held_by_others = _held_by_others(user=user, plot_ids=[c.plot_id for c in pending])
    now = timezone.now()
    confirmed = []
    for claim in pending:
        if claim.plot_id not in held_by_others and registry_matches(plot=claim.plot, emails=emails, phone=phone):
            _confirm(claim, now)
            claim.save()
            confirmed.append(claim.plot.number)
    return confirmed


@transaction.atomic
def decide_claims(
    *, claim_ids: list[int], status: str, decided_by: AbstractBaseUser, comment: str = "", cabinet_url: str = ""
) -> int:
    """The treasurer's decision on several claims at once; returns how many changed. Each member
    whose claim changed gets an email after the commit (`cabinet_url` is the link in it)."""
    if status not in (PlotClaim.Status.CONFIRMED, PlotClaim.Status.REJECTED):
        raise ValueError(status)
    changed_ids = list(
        PlotClaim.objects.select_for_update()
        .filter(pk__in=claim_ids)
        .exclude(status=status)
        .values_list("pk", flat=True)
    )
    changed = PlotClaim.objects.filter(pk__in=changed_ids).update(
        status=status, decided_at=timezone.now(), decided_by=decided_by, comment=comment
    )
    bump_generation()  # a queryset update sends no signal; the members' cabinet pages change
    if changed_ids:
        transaction.on_commit(lambda: async_task("members.tasks.notify_claim_decisions", changed_ids, cabinet_url))
    return changed


def claim_decision_emails(*, claim_ids: list[int], cabinet_url: str) -> int:
    """One email per member about the treasurer's decisions on their claims (confirmed plots open
    their data; a rejection carries the treasurer's comment); to a confirmed address only.
    Returns how many emails went out."""
    claims = (
        PlotClaim.objects.filter(pk__in=claim_ids)
        .exclude(status=PlotClaim.Status.PENDING)
        .select_related("plot", "user")
        .order_by("user_id", "plot__number")
    )
    by_user: dict[int, list[PlotClaim]] = {}
    for claim in claims:
        by_user.setdefault(claim.user_id, []).append(claim)
    addresses: dict[int, str] = {}
    verified = EmailAddress.objects.filter(user_id__in=by_user, verified=True).order_by("user_id", "-primary", "pk")
    for user_id, email in verified.values_list("user_id", "email"):
        addresses.setdefault(user_id, email)  # the primary address when it is confirmed
    name = partnership_settings().full_name
    sent = 0
    for user_id, user_claims in by_user.items():
        if user_id not in addresses:
            continue
        context = {
            "snt_name": name,
            "confirmed": [str(c.plot.number) for c in user_claims if c.status == PlotClaim.Status.CONFIRMED],
            "rejected": [c for c in user_claims if c.status == PlotClaim.Status.REJECTED],
            "cabinet_url": cabinet_url,
        }
        subject = f"{name}: " + render_to_string("members/email/claim_decision_subject.txt", context).strip()
        body = render_to_string("members/email/claim_decision_message.txt", context)
        send_mail(subject, body, None, [addresses[user_id]])
        sent += 1
    return sent


def claims_after_email_confirmed(*, email_address, **kwargs) -> None:
    """allauth's `email_confirmed`: an address just proven may match the registry of a pending claim."""
    confirm_matching_claims(user=email_address.user)
