import datetime

from django.core.management.base import BaseCommand, CommandError

from billing.formatting import format_rub
from billing.services.debts.accrual import AccrualRefused, penalties_accrue


def _date(value: str) -> datetime.date:
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise CommandError(f"Не понимаю дату «{value[:40]}»: нужна ГГГГ-ММ-ДД или ДД.ММ.ГГГГ.")


class Command(BaseCommand):
    help = "Начислить пени по правилам начисления пеней по дату включительно (повторный запуск ничего не добавляет)."

    def add_arguments(self, parser):
        parser.add_argument("--on", required=True, type=_date, help="дата, по которую начисляются пени (ГГГГ-ММ-ДД)")
        parser.add_argument("--dry-run", action="store_true", help="показать, что изменится, ничего не меняя")

    def handle(self, *args, on, dry_run=False, **options):
        try:
            result = penalties_accrue(on=on, dry_run=dry_run)
        except AccrualRefused as refused:
            raise CommandError(str(refused)) from None
        for change in result.changes:
            self.stdout.write(
                f"участок {change.plot_number}, {change.accrued_on:%d.%m.%Y}: "
                f"{format_rub(change.before)} → {format_rub(change.after)} ₽"
            )
        prefix = "Пробный запуск, ничего не записано. " if dry_run else ""
        self.stdout.write(
            f"{prefix}Новых {result.created}, изменено {result.updated}, удалено {result.deleted}, "
            f"разница {format_rub(result.difference)} ₽."
        )
