"""django-q2 tasks: they take plain values and call a service."""

from members.readings.reminders import reminder_fill
from members.reconciliation.batch import reconciliation_batch_run
from members.reminders.service import reminder_round_send
from members.services.claims import claim_decision_emails
from members.sms.sending import monthly_sms_run, sms_outbox_poll, sms_outbox_send


def send_monthly_sms(period: str | None = None) -> str:
    """The monthly run (schedule, «Отправить сейчас», or after a readings import)."""
    filled, sent = monthly_sms_run(period=period)
    return (
        f"{filled.period}: поставлено в очередь {filled.queued}, отправлено {sent.sent}, ошибок {sent.failed}, "
        f"под вопросом {sent.unknown}"
    )


def send_sms_outbox() -> str:
    """Send what is still queued (retries after transient failures), then poll delivery."""
    sent = sms_outbox_send()
    delivered = sms_outbox_poll()
    return f"отправлено {sent.sent}, ошибок {sent.failed}, под вопросом {sent.unknown}, доставлено {delivered}"


def notify_claim_decisions(claim_ids: list[int], cabinet_url: str) -> str:
    """Emails after the treasurer confirmed or rejected claims."""
    return f"писем отправлено: {claim_decision_emails(claim_ids=claim_ids, cabinet_url=cabinet_url)}"


def make_reconciliation_batch(batch_id: int, base_url: str) -> str:
    """The board's акты сверки of many plots into one ZIP, a chunk per task, with progress on the batch row."""
    batch = reconciliation_batch_run(batch_id=batch_id, base_url=base_url)
    return f"акты сверки, пакет {batch.pk}: {batch.get_status_display()}, готово {batch.done} из {batch.total}"


def send_debt_reminders(round_id: int, base_url: str = "") -> str:
    """A confirmed round of reminders to debtors: SMS into the outbox, letters sent."""
    done = reminder_round_send(round_id=round_id, base_url=base_url)
    return (
        f"напоминания, рассылка {done.pk}: SMS в очереди {done.queued}, писем {done.sent}, "
        f"пропущено (оплачено) {done.skipped}, не отправлено {done.failed}"
    )


def remind_readings() -> str:
    """Daily: while the readings window is open, queue the reminder to those who have not reported
    (once per member and window, by the outbox's key) and send what is queued."""
    queued = reminder_fill()
    sent = sms_outbox_send() if queued else None
    return f"напоминаний о показаниях в очереди: {queued}" + (f", отправлено {sent.sent}" if sent else "")
