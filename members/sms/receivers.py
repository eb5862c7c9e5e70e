"""Members' answers to billing's signals."""

from django.db import transaction
from django.db.models import Max
from django_q.tasks import async_task

from members.sms.plan import previous_period


def sms_after_readings_import(sender, *, batch, notify_sms: bool = False, **kwargs) -> None:
    """The treasurer ticked «Разослать SMS»: send the month the file's newest readings close.
    Older months in the same file are history, not news, and are not sent."""
    if not notify_sms:
        return
    newest = batch.readings.aggregate(newest=Max("taken_on"))["newest"]
    if newest is None:
        return
    period = previous_period(newest)
    transaction.on_commit(lambda: async_task("members.tasks.send_monthly_sms", period))
