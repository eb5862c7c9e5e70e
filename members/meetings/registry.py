"""The registry's rules that are not one row's: the shares of a plot over time, and which site
users may be linked to a registry person (only those whose CONFIRMED claims cover a plot the person
owns now; the treasurer or the secretary links, never the member)."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from members.meetings.models import Ownership, Person
from members.models import PlotClaim


def owned_plot_ids(person: Person, *, day: datetime.date | None = None) -> set[int]:
    day = day or timezone.localdate()
    ownerships = Ownership.objects.filter(person=person, owned_from__lte=day)
    return set(ownerships.filter(Q(owned_to__isnull=True) | Q(owned_to__gte=day)).values_list("plot_id", flat=True))


@dataclass(frozen=True)
class Candidate:
    user_id: int
    username: str
    email: str
    plot_numbers: tuple[int, ...]


def link_candidates(person: Person) -> list[Candidate]:
    """Site users with a confirmed claim on a plot the person owns today, not linked to anyone else."""
    plot_ids = owned_plot_ids(person)
    if not plot_ids:
        return []
    claims = (
        PlotClaim.objects.filter(plot_id__in=plot_ids, status=PlotClaim.Status.CONFIRMED, user__is_active=True)
        .filter(Q(user__registry_person__isnull=True) | Q(user__registry_person=person))
        .select_related("user", "plot")
        .order_by("user__username", "plot__number")
    )
    found: dict[int, Candidate] = {}
    for claim in claims:
        known = found.get(claim.user_id)
        numbers = (*known.plot_numbers, claim.plot.number) if known else (claim.plot.number,)
        found[claim.user_id] = Candidate(claim.user_id, claim.user.username, claim.user.email, numbers)
    return list(found.values())


class LinkRefused(Exception):
    """A Russian reason the link was not made."""


def link_user(person_id: int, user_id: int) -> Person:
    """Link the person to the user, if the user is one of the candidates; one person per user."""
    with transaction.atomic():
        person = Person.objects.select_for_update().filter(pk=person_id).first()
        if person is None:
            raise LinkRefused("Такой записи в реестре нет.")
        if not get_user_model().objects.filter(pk=user_id).exists():
            raise LinkRefused("Такого пользователя сайта нет.")
        if user_id not in {candidate.user_id for candidate in link_candidates(person)}:
            raise LinkRefused(
                "Этого пользователя нельзя связать с записью: его подтверждённые участки не совпадают "
                "с участками, которыми человек владеет сейчас, или он уже связан с другой записью."
            )
        person.user_id = user_id
        try:
            with transaction.atomic():
                person.save(update_fields=["user", "updated_at"])
        except IntegrityError:
            raise LinkRefused("Этот пользователь уже связан с другой записью реестра.") from None
    return person


def unlink_user(person_id: int) -> None:
    Person.objects.filter(pk=person_id).update(user=None, updated_at=timezone.now())
