"""django-q2 tasks of billing: they take plain values and call a service."""

from django.utils import timezone

from billing.services.debts.accrual import AccrualRefused, penalties_accrue


def accrue_penalties_monthly() -> str:
    """The monthly schedule: penalties up to today. Without rules or charges it says why and
    accrues nothing (the schedule must not fail every month in a partnership without пени)."""
    try:
        result = penalties_accrue(on=timezone.localdate())
    except AccrualRefused as refused:
        return f"пени не начислены: {refused}"
    return f"пени по {result.on:%d.%m.%Y}: новых {result.created}, изменено {result.updated}, удалено {result.deleted}"
