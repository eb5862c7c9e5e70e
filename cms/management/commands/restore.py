import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cms.backups import (
    BackupError,
    RestoreResult,
    backup_restore,
    offsite_archives,
    offsite_fetch,
    offsite_storage,
    offsite_where,
    site_stopped,
)


class Command(BaseCommand):
    help = (
        "Восстанавливает базу данных и медиафайлы из архива manage.py backup в пустую базу:"
        " из файла или из хранилища BACKUP_S3_URL. Не работает, пока сайт запущен."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "archive", nargs="?", help="Архив snt-backup-….tar.gz: путь к файлу или, с --from-storage, его имя"
        )
        parser.add_argument(
            "--from-storage",
            action="store_true",
            help="Взять архив из хранилища BACKUP_S3_URL: названный или, без имени, самый новый.",
        )
        parser.add_argument("--list", action="store_true", help="Показать архивы в хранилище и выйти.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Восстанавливать, даже если процессы сайта работают с этой базой (см. README).",
        )

    def handle(self, *args, archive: str | None, from_storage: bool, force: bool, **options):
        try:
            if options["list"]:
                self._list()
                return
            if not from_storage and not archive:
                raise CommandError("Укажите файл архива или --from-storage.")
            with site_stopped(force=force), tempfile.TemporaryDirectory(prefix="snt-download-") as workdir:
                if from_storage:
                    path = offsite_fetch(archive, target_dir=Path(workdir))
                    self.stdout.write(f"Архив {path.name} скачан из хранилища.")
                else:
                    path = Path(archive)
                    if not path.is_file():
                        raise CommandError(f"Архив не найден: {archive}")
                result = backup_restore(archive=path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self._report(result)

    def _list(self) -> None:
        storage = offsite_storage()
        if storage is None:
            raise CommandError("Хранилище резервных копий не настроено: задайте BACKUP_S3_URL.")
        names = offsite_archives(storage)
        self.stdout.write(f"Архивы в хранилище {offsite_where(storage)}: {len(names)}")
        for name in reversed(names):
            self.stdout.write(name)

    def _report(self, result: RestoreResult) -> None:
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
