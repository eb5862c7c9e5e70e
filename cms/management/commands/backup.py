from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cms.backups import BackupError, backup_create


class Command(BaseCommand):
    help = "Сохраняет базу данных и медиафайлы в архив snt-backup-ГГГГММДД-ЧЧММСС.tar.gz."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            default=settings.BASE_DIR / "backups",
            help="Папка для архива (по умолчанию backups/ в папке проекта).",
        )

    def handle(self, *args, output: Path, **options):
        try:
            archive = backup_create(target_dir=output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Резервная копия сохранена: {archive}"))
