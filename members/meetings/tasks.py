"""django-q2 tasks of the meetings app: they take ids and call a service."""

from members.meetings.notices import notices_send


def send_meeting_notices(meeting_id: int) -> str:
    """The notice of a published meeting: what is queued in its log goes out once."""
    done = notices_send(meeting_id=meeting_id)
    return (
        f"уведомления о собрании {meeting_id}: отправлено {done.sent}, ошибок {done.failed}, "
        f"под вопросом {done.unknown}, отложено {done.deferred}"
    )
