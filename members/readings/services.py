"""Writes: a member's submission (a correction updates the pending row), the treasurer's decisions.
An accepted submission is a `billing.Reading` with source=MEMBER, written in one transaction with
the decision; a reading already loaded from a file for that meter and date wins."""

from dataclasses import dataclass, field

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from billing.models import Reading
from members.readings.models import ReadingSubmission
from members.readings.photos import delete_photo
from members.readings.window import Window

OPEN = (ReadingSubmission.Status.PENDING, ReadingSubmission.Status.REJECTED)


class AlreadyDecided(Exception):
    """The treasurer has accepted this meter's reading for the period: the member may not change it."""


def submit_reading(
    *, user: AbstractBaseUser, meter_id: int, window: Window, day: int, night: int, photo: str, confirmed: bool
) -> ReadingSubmission:
    """One row per meter and period, whoever gets there first: a second submission (a correction, a
    double click, the co-owner's) updates the pending row. A new photo replaces the old one; none
    keeps it."""
    values = {"day": day, "night": night, "confirmed": confirmed, "submitted_by": user, "taken_on": window.taken_on}
    for _attempt in range(2):
        with transaction.atomic():
            existing = (
                ReadingSubmission.objects.select_for_update().filter(meter_id=meter_id, period=window.period).first()
            )
            if existing is None:
                try:
                    with transaction.atomic():
                        return ReadingSubmission.objects.create(
                            meter_id=meter_id, period=window.period, photo=photo, **values
                        )
                except IntegrityError:
                    continue  # created by a simultaneous request: update that row instead
            if existing.status not in OPEN:
                raise AlreadyDecided
            old_photo = existing.photo
            for name, value in values.items():
                setattr(existing, name, value)
            existing.photo = photo or old_photo
            existing.status, existing.reason = ReadingSubmission.Status.PENDING, ""
            existing.submitted_at = timezone.now()
            existing.save()
        if photo and old_photo and old_photo != photo:
            delete_photo(old_photo)
        return existing
    raise IntegrityError("reading submission kept clashing")  # pragma: no cover - a third writer in between


@dataclass
class Decision:
    accepted: list[ReadingSubmission] = field(default_factory=list)
    superseded: list[ReadingSubmission] = field(default_factory=list)
    rejected: list[ReadingSubmission] = field(default_factory=list)
    skipped: int = 0  # decided already (another tab, a double click), or not found


def _locked_pending(pk: int) -> ReadingSubmission | None:
    """The submission if still pending, locked until the transaction ends: a second tab or a
    double click finds it decided and skips it."""
    return (
        ReadingSubmission.objects.select_for_update()
        .select_related("meter__plot")
        .filter(pk=pk, status=ReadingSubmission.Status.PENDING)
        .first()
    )


def accept_submissions(*, ids: list[int], user: AbstractBaseUser) -> Decision:
    """Each pending submission of `ids` becomes a Reading (source=MEMBER), each in its own
    transaction with its new status; one whose meter already has a reading on that date (loaded
    from a file) is marked superseded instead."""
    decision = Decision()
    for pk in ids:
        with transaction.atomic():
            submission = _locked_pending(pk)
            if submission is None:
                decision.skipped += 1
                continue
            reading = Reading.objects.filter(meter_id=submission.meter_id, taken_on=submission.taken_on).first()
            if reading is None:
                try:
                    with transaction.atomic():
                        reading = Reading.objects.create(
                            meter_id=submission.meter_id,
                            taken_on=submission.taken_on,
                            day=submission.day,
                            night=submission.night,
                            source=Reading.Source.MEMBER,
                        )
                except IntegrityError:  # an import wrote it in between
                    reading = Reading.objects.get(meter_id=submission.meter_id, taken_on=submission.taken_on)
                else:
                    _decide(submission, ReadingSubmission.Status.ACCEPTED, user, reading=reading)
                    decision.accepted.append(submission)
                    continue
            _decide(submission, ReadingSubmission.Status.SUPERSEDED, user, reading=reading)
            decision.superseded.append(submission)
    return decision


def reject_submissions(*, reasons: dict[int, str], user: AbstractBaseUser) -> Decision:
    """`reasons`: submission id → the reason the member will read on their page."""
    decision = Decision()
    for pk, reason in reasons.items():
        with transaction.atomic():
            submission = _locked_pending(pk)
            if submission is None:
                decision.skipped += 1
                continue
            submission.reason = reason
            _decide(submission, ReadingSubmission.Status.REJECTED, user)
            decision.rejected.append(submission)
    return decision


def _decide(submission: ReadingSubmission, status: str, user: AbstractBaseUser, reading: Reading | None = None):
    submission.status, submission.decided_by, submission.decided_at = status, user, timezone.now()
    submission.reading = reading
    submission.save(update_fields=["status", "decided_by", "decided_at", "reading", "reason"])
