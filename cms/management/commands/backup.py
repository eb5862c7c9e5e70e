from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cms.backups import BackupError, backup_run


class Command(BaseCommand):
    help = (
        "Сохраняет базу данных и медиафайлы в архив snt-backup-ГГГГММДД-ЧЧММСС.tar.gz,"
        " отправляет его в хранилище BACKUP_S3_URL (если задано) и удаляет старые копии."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            default=settings.BASE_DIR / "backups",
            help="Папка для архива (по умолчанию backups/ в папке проекта).",
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=settings.BACKUP_KEEP,
            help="Сколько последних архивов хранить в папке и в хранилище; 0 — все (по умолчанию BACKUP_KEEP).",
        )

    def handle(self, *args, output: Path, keep: int, **options):
        if keep < 0:
            raise CommandError("--keep не может быть отрицательным.")
        try:
            outcome = backup_run(target_dir=output, keep=keep)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Резервная копия сохранена: {outcome.archive}"))
        if outcome.removed:
            self.stdout.write(f"Удалены старые копии (храним {keep}): " + ", ".join(outcome.removed))
        if outcome.offsite:
            self.stdout.write(self.style.SUCCESS(f"Копия отправлена в хранилище: {outcome.offsite}"))
        if outcome.offsite_removed:
            self.stdout.write("Удалены старые копии в хранилище: " + ", ".join(outcome.offsite_removed))
