from django.core.management.base import BaseCommand

from billing.services.accruals import fees_accrue


def _money(value) -> str:
    return f"{value:,.2f}".replace(",", " ").replace(".", ",")


class Command(BaseCommand):
    help = "Начислить взносы года по ставкам взносов всем действующим участкам."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="год взносов (по умолчанию все ставки)")
        parser.add_argument("--dry-run", action="store_true", help="показать, что будет начислено, ничего не меняя")

    def handle(self, *args, year=None, dry_run=False, **options):
        result = fees_accrue(year=year, dry_run=dry_run)
        if not result.articles:
            self.stdout.write("Нет ставок взносов" + (f" на {year} год." if year else "."))
            return
        for line in result.articles:
            text = f"{line.article} ({line.accrued_on:%d.%m.%Y}): участков {line.plots}, сумма {_money(line.amount)} ₽"
            if line.skipped:
                text += f", пропущено без площади {line.skipped}"
            self.stdout.write(text)
        prefix = "Пробный запуск, ничего не записано. Было бы: " if dry_run else "Итого: "
        self.stdout.write(f"{prefix}{result}")
