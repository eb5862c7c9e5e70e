"""Builders for the meetings' tests: registry people, ownerships and a published meeting."""

import datetime

from django.utils import timezone

from members.meetings import law
from members.meetings.models import AgendaItem, Meeting, MeetingRules, Ownership, Person

JOINED = datetime.date(2020, 1, 1)


def person(name="Иванов Иван Иванович", **fields) -> Person:
    fields.setdefault("is_member", True)
    fields.setdefault("member_since", JOINED if fields["is_member"] else None)
    return Person.objects.create(full_name=name, **fields)


def owner(name, plot, **fields) -> Person:
    """A non-member owner of `plot`."""
    who = person(name, is_member=False, **fields)
    Ownership.objects.create(person=who, plot=plot, owned_from=JOINED)
    return who


def allow_absentee() -> MeetingRules:
    rules = MeetingRules.load()
    rules.absentee_allowed = True
    rules.basis = "п. 9.4 устава"
    rules.save()
    return rules


def meeting(*, date=None, form=Meeting.Form.MIXED, items=(("budget", "Утвердить смету на 2027 год"),), **fields):
    """A draft meeting `date` (default: 20 days ahead) with its agenda; the majority and the owners' vote
    of each item come from the law's defaults for its topic."""
    date = date or timezone.localdate() + datetime.timedelta(days=20)
    fields.setdefault("place", "Правление, ул. Садовая, 1")
    if form != Meeting.Form.IN_PERSON:
        fields.setdefault("voting_ends", timezone.make_aware(datetime.datetime.combine(date, datetime.time(10, 0))))
    created = Meeting.objects.create(date=date, form=form, **fields)
    for order, (topic, wording) in enumerate(items):
        AgendaItem.objects.create(
            meeting=created,
            sort_order=order,
            topic=topic,
            wording=wording,
            majority=law.majority_for(topic),
            owners_vote=law.owners_vote(topic),
        )
    return created


def published(**fields) -> Meeting:
    created = meeting(**fields)
    Meeting.objects.filter(pk=created.pk).update(status=Meeting.Status.PUBLISHED, published_at=timezone.now())
    created.refresh_from_db()
    return created
