from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cms.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = "Восстанавливает базу данных и медиафайлы из архива manage.py backup в пустую базу."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="Архив snt-backup-….tar.gz")

    def handle(self, *args, archive: Path, **options):
        if not archive.is_file():
            raise CommandError(f"Архив не найден: {archive}")
        try:
            result = backup_restore(archive=archive)
        except BackupError as error:
            raise CommandError(str(error)) from error

        self.stdout.write(f"Архив от {result.created_at}, база {result.engine}, медиафайлов: {result.media_files}")
        width = max((len(table) for table in result.expected_counts), default=10)
        self.stdout.write(f"{'Таблица':<{width}}  {'в архиве':>9}  {'восстановлено':>13}")
        mismatched = set(result.mismatched_tables)
        for table in sorted(set(result.expected_counts) | set(result.restored_counts)):
            expected = result.expected_counts.get(table, "—")
            restored = result.restored_counts.get(table, "—")
            line = f"{table:<{width}}  {expected!s:>9}  {restored!s:>13}"
            self.stdout.write(self.style.ERROR(line) if table in mismatched else line)
        if mismatched:
            raise CommandError("Число строк не совпадает с архивом: " + ", ".join(sorted(mismatched)))
        if result.pending_migrations:
            self.stdout.write(
                self.style.WARNING("Есть непримененные миграции — выполните manage.py migrate: ")
                + ", ".join(result.pending_migrations)
            )
        self.stdout.write(self.style.SUCCESS("Восстановление завершено, число строк совпадает."))
