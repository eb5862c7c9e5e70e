"""The notice of a general meeting to the addresses in the registry (217-ФЗ ст. 17 ч. 13): an email to
everyone with an email, an SMS to everyone with a phone — the members on the meeting's date and, when the
agenda has items non-member owners vote on (ст. 5 ч. 6), those owners too.

`notices_fill` writes one log row per (meeting, person, channel); the unique key makes a second fill add
nothing. `notices_send` claims the queued rows under a token (so two workers never send the same row) and
sends them: letters through Django's mail, SMS through the project's gateway (members.sms.gateways).
The SMS must fit in one part: a short text with the date and the site's address; if even the shortest
form does not fit, no SMS is queued and the secretary is told why."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from members.meetings import voting
from members.meetings.models import Meeting, MeetingNotice, Person
from members.sms.gateways import GatewayError, OutgoingSms, get_gateway
from members.sms.segments import sms_segments
from members.sms.sending import unique_phone_rounds

STALE_SENDING_SECONDS = 15 * 60
EMAIL_TEMPLATE = "meetings/email/notice.txt"


def notice_recipients(meeting: Meeting):
    """Who the notice goes to: the members on the meeting's date, and the non-member owners then if any
    item of the agenda is one they vote on."""
    wanted = Q(pk__in=Person.objects.members_on(meeting.date).values("pk"))
    if meeting.items.filter(owners_vote=True).exists():
        wanted |= Q(pk__in=voting.owners_on(meeting.date).values("pk"))
    return Person.objects.filter(wanted)


def site_host(base_url: str) -> str:
    """«https://www.snt-anikino.ru/» → «snt-anikino.ru»: what an SMS can afford to carry."""
    host = urlsplit(base_url).netloc or base_url.strip("/")
    return host.removeprefix("www.")


def sms_notice_text(meeting: Meeting, *, signature: str, host: str) -> str | None:
    """The shortest useful notice: the date (and time), and where to read the rest. The first form that
    fits in ONE SMS part, or None when none does (a long signature or address)."""
    day = f"{meeting.date:%d.%m.%Y}"
    if meeting.form == Meeting.Form.ABSENTEE:
        whens = [f"заочное общее собрание, бюллетени до {day}", f"заочное собрание до {day}"]
    else:
        at = f" в {meeting.start_time:%H:%M}" if meeting.start_time else ""
        whens = [f"общее собрание {day}{at}", f"собрание {day}{at}", f"собрание {day}"]
    tails = [f"Повестка и материалы: {host}", f"Подробнее: {host}", host]
    texts = [f"{signature}: {when}. {tail}" for when in whens for tail in tails]
    return next((text for text in texts if sms_segments(text) == 1), None)


def sms_too_long_message(meeting: Meeting, *, signature: str, host: str) -> str:
    shortest = f"{signature}: собрание {meeting.date:%d.%m.%Y}. {host}"
    return (
        f"SMS не отправлены: даже кратчайший текст «{shortest}» не помещается в одну SMS "
        f"({len(shortest)} знаков, а кириллицей — не больше 70). Сократите подпись SMS в настройках сайта."
    )


def email_notice(meeting: Meeting, *, partnership: str, base_url: str) -> tuple[str, str]:
    """The letter's subject and body: kind and form, date, time, place, voting period, agenda, where to
    read the materials (ст. 17 ч. 13, 15, 17)."""
    subject = f"{partnership}: уведомление о проведении общего собрания {meeting.date:%d.%m.%Y}"
    body = render_to_string(
        EMAIL_TEMPLATE,
        {
            "meeting": meeting,
            "partnership": partnership,
            "items": voting.items_for(meeting, voting.MEMBER),
            "materials": list(meeting.materials.all()),
            "site_url": base_url,
        },
    )
    return subject, body


@dataclass
class NoticeFill:
    emails: int = 0
    sms: int = 0
    sms_problem: str = ""


@transaction.atomic
def notices_fill(*, meeting_id: int, base_url: str, partnership: str, signature: str) -> NoticeFill:
    """Queue the notice for every recipient with an address, once per person and channel."""
    meeting = Meeting.objects.get(pk=meeting_id)
    if meeting.status != Meeting.Status.PUBLISHED:
        return NoticeFill()
    people = list(notice_recipients(meeting).only("pk", "email", "phone"))
    subject, body = email_notice(meeting, partnership=partnership, base_url=base_url)
    host = site_host(base_url)
    sms_text = sms_notice_text(meeting, signature=signature, host=host)
    rows = [
        MeetingNotice(
            meeting=meeting, person=p, channel=MeetingNotice.Channel.EMAIL, address=p.email, subject=subject, text=body
        )
        for p in people
        if p.email
    ]
    if sms_text is not None:
        rows += [
            MeetingNotice(meeting=meeting, person=p, channel=MeetingNotice.Channel.SMS, address=p.phone, text=sms_text)
            for p in people
            if p.phone
        ]
    MeetingNotice.objects.bulk_create(rows, ignore_conflicts=True)
    logged = MeetingNotice.objects.filter(meeting=meeting)
    return NoticeFill(
        emails=logged.filter(channel=MeetingNotice.Channel.EMAIL).count(),
        sms=logged.filter(channel=MeetingNotice.Channel.SMS).count(),
        sms_problem="" if sms_text is not None else sms_too_long_message(meeting, signature=signature, host=host),
    )


@dataclass
class NoticeSend:
    sent: int = 0
    failed: int = 0
    unknown: int = 0
    deferred: int = 0


def _stale_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=float(getattr(settings, "SMS_STALE_SENDING_SECONDS", STALE_SENDING_SECONDS)))


def _claim(meeting_id: int) -> list[MeetingNotice]:
    """Every queued row of the meeting under a fresh token; the status test in the UPDATE gives a row
    to one worker only. Rows a crashed worker left `sending` become `unknown`, never re-sent."""
    now = timezone.now()
    mine = MeetingNotice.objects.filter(meeting_id=meeting_id)
    mine.filter(status=MeetingNotice.Status.SENDING, updated_at__lt=now - _stale_after()).update(
        status=MeetingNotice.Status.UNKNOWN,
        last_error="отправка прервалась; проверьте, дошло ли уведомление, прежде чем отправлять снова",
        updated_at=now,
    )
    token = uuid.uuid4().hex
    mine.filter(status=MeetingNotice.Status.QUEUED).update(
        status=MeetingNotice.Status.SENDING, claim=token, updated_at=now
    )
    return list(mine.filter(claim=token, status=MeetingNotice.Status.SENDING).order_by("pk"))


def _finish(row: MeetingNotice, status: str, summary: NoticeSend, *, error: str = "", gateway_id: str = "") -> None:
    """Save the row's outcome, only while it is still ours (claimed by this run)."""
    now = timezone.now()
    MeetingNotice.objects.filter(pk=row.pk, claim=row.claim, status=MeetingNotice.Status.SENDING).update(
        status=status,
        attempts=row.attempts + 1,
        last_error=error[:255],
        gateway_id=gateway_id,
        sent_at=now if status == MeetingNotice.Status.SENT else None,
        updated_at=now,
    )
    field = {
        MeetingNotice.Status.SENT: "sent",
        MeetingNotice.Status.FAILED: "failed",
        MeetingNotice.Status.UNKNOWN: "unknown",
        MeetingNotice.Status.QUEUED: "deferred",
    }[status]
    setattr(summary, field, getattr(summary, field) + 1)


def _send_emails(rows: list[MeetingNotice], summary: NoticeSend) -> None:
    for row in rows:
        try:
            EmailMessage(row.subject, row.text, None, [row.address]).send()
        except Exception as exc:  # any failure of the mail backend is this row's failure
            _finish(row, MeetingNotice.Status.FAILED, summary, error=f"письмо не отправлено: {exc}")
        else:
            _finish(row, MeetingNotice.Status.SENT, summary)


def _send_sms(rows: list[MeetingNotice], summary: NoticeSend) -> None:
    """Through the project's gateway, a request per batch with one text per number; a transient failure
    puts the rows back in the queue for the next run, a request that may have gone out leaves them
    `unknown`."""
    if not rows:
        return
    gateway = get_gateway()
    for round_rows in unique_phone_rounds(rows):
        for start in range(0, len(round_rows), gateway.batch_size):
            batch = {row.pk: row for row in round_rows[start : start + gateway.batch_size]}
            try:
                results = gateway.send(
                    [OutgoingSms(key=row.pk, phone=row.address, text=row.text) for row in batch.values()]
                )
            except GatewayError as exc:
                status = _failure_status(exc.transient, exc.maybe_sent)
                for row in batch.values():
                    _finish(row, status, summary, error=str(exc))
                continue
            for result in results:
                if result.outcome == "sent":
                    _finish(batch[result.key], MeetingNotice.Status.SENT, summary, gateway_id=result.gateway_id)
                else:
                    status = _failure_status(result.outcome == "retry", False)
                    _finish(batch[result.key], status, summary, error=result.error)


def _failure_status(transient: bool, maybe_sent: bool) -> str:
    if maybe_sent:
        return MeetingNotice.Status.UNKNOWN
    return MeetingNotice.Status.QUEUED if transient else MeetingNotice.Status.FAILED


def notices_send(*, meeting_id: int) -> NoticeSend:
    """Send what is queued for the meeting; a second run (or a second worker) sends nothing twice."""
    rows = _claim(meeting_id)
    summary = NoticeSend()
    _send_emails([row for row in rows if row.channel == MeetingNotice.Channel.EMAIL], summary)
    _send_sms([row for row in rows if row.channel == MeetingNotice.Channel.SMS], summary)
    return summary
