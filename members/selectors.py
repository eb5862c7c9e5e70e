"""Reads of the members app: which plots a member may see, what they entered, pending claims."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from types import EllipsisType

from allauth.account.models import EmailAddress
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Case, Exists, IntegerField, OuterRef, Value, When
from django.utils import timezone

from billing.models import Plot
from cms.queries import CompiledQuery
from members.models import PhoneVerification, PlotClaim, Profile
from members.phones import registry_phone
from members.sms.gateways import mask_phone


def confirmed_plot_ids(*, user: AbstractBaseUser) -> list[int]:
    """Ids of the active plots this member holds a CONFIRMED claim on — the only plots whose data
    the cabinet may show them."""
    if not user.is_authenticated:
        return []
    return list(
        PlotClaim.objects.filter(user=user, status=PlotClaim.Status.CONFIRMED, plot__active=True)
        .order_by("plot__number")
        .values_list("plot_id", flat=True)
    )


def unknown_plot_numbers(*, numbers: list[int]) -> list[int]:
    """The numbers among `numbers` that are not active plots of the registry, in the given order."""
    if not numbers:
        return []
    known = set(Plot.objects.filter(number__in=numbers, active=True).values_list("number", flat=True))
    return [n for n in numbers if n not in known]


@dataclass(frozen=True)
class RegistrationData:
    """Everything the member entered, for «Регистрационные данные» and the edit form."""

    username: str
    email: str
    email_verified: bool
    profile: Profile | None
    claims: list[PlotClaim]

    @property
    def listed_numbers(self) -> list[int]:
        """The plots the member currently lists (rejected claims stay on record, not in the list)."""
        return [c.plot.number for c in self.claims if c.status != PlotClaim.Status.REJECTED]

    @property
    def has_pending(self) -> bool:
        return any(c.status == PlotClaim.Status.PENDING for c in self.claims)

    @property
    def has_confirmed(self) -> bool:
        return any(c.status == PlotClaim.Status.CONFIRMED for c in self.claims)


def registration_data(*, user: AbstractBaseUser) -> RegistrationData:
    primary = EmailAddress.objects.filter(user=user).order_by("-primary", "-verified", "pk").first()
    return RegistrationData(
        username=user.get_username(),
        email=primary.email if primary else (user.email or ""),
        email_verified=bool(primary and primary.verified),
        profile=Profile.objects.filter(user=user).first(),
        claims=list(PlotClaim.objects.filter(user=user).select_related("plot").order_by("plot__number")),
    )


EVIDENCE_EMAIL = "email совпадает с реестром (подтверждён)"
EVIDENCE_PHONE = "телефон совпадает с реестром (подтверждён SMS)"
EVIDENCE_NONE = "совпадений нет"


@dataclass(frozen=True)
class ClaimForReview:
    """A claim in the treasurer's list with what proves it. The login (a plot number anyone may
    choose at signup) and typed contacts prove nothing; only verified matches are evidence."""

    claim: PlotClaim
    email_matches: bool
    phone_matches: bool
    profile: Profile | None = None

    @property
    def pk(self) -> int:
        return self.claim.pk

    @property
    def evidence(self) -> list[str]:
        found = [EVIDENCE_EMAIL] * self.email_matches + [EVIDENCE_PHONE] * self.phone_matches
        return found or [EVIDENCE_NONE]


def claims_for_review(*, status: str | None = None) -> list[ClaimForReview]:
    """Claims for the treasurer: pending first, then newest; filtered by status when given.
    `claim.co_owned` tells that someone else already holds the plot. Two queries in all."""
    claims = PlotClaim.objects.select_related("plot", "user", "user__profile", "decided_by")
    if status:
        claims = claims.filter(status=status)
    pending_first = Case(
        When(status=PlotClaim.Status.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    co_owned = PlotClaim.objects.filter(plot=OuterRef("plot"), status=PlotClaim.Status.CONFIRMED).exclude(
        user=OuterRef("user")
    )
    rows = list(
        claims.annotate(pending_first=pending_first, co_owned=Exists(co_owned)).order_by(
            "pending_first", "-created_at", "-pk"
        )
    )
    verified_emails: dict[int, set[str]] = defaultdict(set)
    user_ids = {c.user_id for c in rows}
    for user_id, email in EmailAddress.objects.filter(user_id__in=user_ids, verified=True).values_list(
        "user_id", "email"
    ):
        verified_emails[user_id].add(email.strip().lower())
    result = []
    for claim in rows:
        owner_email = claim.plot.owner_email.strip().lower()
        profile = getattr(claim.user, "profile", None)
        proven_phone = profile.verified_phone if profile is not None and profile.phone_verified else ""
        result.append(
            ClaimForReview(
                claim=claim,
                email_matches=bool(owner_email) and owner_email in verified_emails[claim.user_id],
                phone_matches=bool(proven_phone) and registry_phone(claim.plot.owner_phone) == proven_phone,
                profile=profile,
            )
        )
    return result


@dataclass(frozen=True)
class PhoneState:
    """What «Подтверждение телефона» shows: the profile phone, whether it is proven, and the
    code waiting to be typed, if any."""

    phone: str
    verified: bool
    verified_at: datetime.datetime | None
    code_sent_to: str  # masked
    code_expires_at: datetime.datetime | None


def phone_state(*, user: AbstractBaseUser, profile: Profile | None | EllipsisType = ...) -> PhoneState:
    """`profile` when the caller has read it already (None: the member has none)."""
    if profile is ...:
        profile = Profile.objects.filter(user=user).first()
    phone = profile.phone if profile is not None else ""
    verified = profile is not None and profile.phone_verified
    live = None
    if phone and not verified:
        live = (
            PhoneVerification.objects.filter(
                user=user,
                phone=phone,
                used_at__isnull=True,
                dead=False,
                expires_at__gt=timezone.now(),
                attempts__lt=PhoneVerification.MAX_ATTEMPTS,
            )
            .order_by("-created_at", "-pk")
            .first()
        )
    return PhoneState(
        phone=phone,
        verified=verified,
        verified_at=profile.phone_verified_at if verified else None,
        code_sent_to=mask_phone(live.phone) if live else "",
        code_expires_at=live.expires_at if live else None,
    )


@dataclass(frozen=True)
class CabinetPlots:
    """`plot_ids` are the only plots whose data a page shows; the pending numbers only explain
    why a listed plot shows nothing yet."""

    plot_ids: list[int]
    pending_numbers: list[int]

    @property
    def nothing_listed(self) -> bool:
        return not self.plot_ids and not self.pending_numbers


_cabinet_claims = CompiledQuery(  # every cabinet page's query: built and compiled once (cms.queries)
    lambda user_id: (
        PlotClaim.objects.filter(
            user_id=user_id, status__in=(PlotClaim.Status.CONFIRMED, PlotClaim.Status.PENDING), plot__active=True
        )
        .order_by("plot__number")
        .values_list("status", "plot_id", "plot__number")
    )
)


def cabinet_plots(*, user: AbstractBaseUser) -> CabinetPlots:
    """One query, whatever the number of plots: the confirmed and the pending claims together."""
    if not user.is_authenticated:
        return CabinetPlots(plot_ids=[], pending_numbers=[])
    rows = list(_cabinet_claims(user.pk))
    return CabinetPlots(
        plot_ids=[plot_id for status, plot_id, _ in rows if status == PlotClaim.Status.CONFIRMED],
        pending_numbers=[number for status, _, number in rows if status == PlotClaim.Status.PENDING],
    )
