from django.core.management.base import BaseCommand, CommandError

from billing.services.estimates import EstimateRefused, estimate_readings, parse_period


class Command(BaseCommand):
    help = (
        "Расчётные показания на конец периода (1-е число следующего месяца) для счётчиков без показаний: "
        "по среднесуточному расходу за 3 последних периода. Повторный запуск ничего не добавляет."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="месяц, ГГГГ-ММ, например 2026-05")
        parser.add_argument("--dry-run", action="store_true", help="показать, что будет записано, ничего не меняя")

    def handle(self, *args, period, dry_run=False, **options):
        try:
            start = parse_period(period)
        except EstimateRefused as refused:
            raise CommandError(str(refused)) from None
        result = estimate_readings(start=start, dry_run=dry_run)
        for item in result.estimates:
            self.stdout.write(
                f"участок {item.plot_number}, счётчик {item.serial or '—'}: {item.day}/{item.night} "
                f"(+{item.kwh} кВт·ч от {item.last_on:%d.%m.%Y})"
            )
        for item in result.skipped:
            self.stdout.write(
                f"участок {item.plot_number}, счётчик {item.serial or '—'}: не рассчитано — {item.reason}"
            )
        prefix = "Пробный запуск, ничего не записано. " if dry_run else ""
        self.stdout.write(prefix + result.summary[0].upper() + result.summary[1:] + ".")
