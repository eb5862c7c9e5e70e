"""Reads of the members app: which plots a member may see, what they entered, pending claims."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Case, Exists, IntegerField, OuterRef, QuerySet, Value, When

from billing.models import Plot
from members.models import PlotClaim, Profile


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


def claims_for_review(*, status: str | None = None) -> QuerySet[PlotClaim]:
    """Claims for the treasurer: pending first, then newest; filtered by status when given.
    `co_owned` tells that someone else already holds the plot."""
    claims = PlotClaim.objects.select_related("plot", "user", "decided_by")
    if status:
        claims = claims.filter(status=status)
    pending_first = Case(
        When(status=PlotClaim.Status.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    co_owned = PlotClaim.objects.filter(plot=OuterRef("plot"), status=PlotClaim.Status.CONFIRMED).exclude(
        user=OuterRef("user")
    )
    return claims.annotate(pending_first=pending_first, co_owned=Exists(co_owned)).order_by(
        "pending_first", "-created_at", "-pk"
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


def cabinet_plots(*, user: AbstractBaseUser) -> CabinetPlots:
    """Two queries, whatever the number of plots."""
    pending = PlotClaim.objects.filter(user=user, status=PlotClaim.Status.PENDING, plot__active=True)
    return CabinetPlots(
        plot_ids=confirmed_plot_ids(user=user),
        pending_numbers=list(pending.order_by("plot__number").values_list("plot__number", flat=True)),
    )
