"""Which plots a cabinet page may show, and what to tell a member who sees none yet."""

from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser

from members.models import PlotClaim
from members.selectors import confirmed_plot_ids


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
