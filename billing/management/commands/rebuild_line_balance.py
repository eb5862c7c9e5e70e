from django.core.management.base import BaseCommand

from billing.line_sums import rebuild


class Command(BaseCommand):
    help = (
        "Пересчитать заново помесячные суммы по участкам для баланса электроэнергии из всех показаний "
        "(для восстановления: обычно их обновляет каждая запись показаний, счётчиков и фидеров)."
    )

    def handle(self, *args, **options):
        rows = rebuild()
        self.stdout.write(f"Суммы баланса электроэнергии пересчитаны, записей (месяц × фидер): {rows}.")
