"""The shared body of import_plots, import_readings, import_charges and import_payments."""

import datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.defaultfilters import filesizeformat

from billing.services.imports import HEADERS, MAX_UPLOAD_BYTES, run_import


def _date(text: str) -> datetime.date:
    for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CommandError(f"Непонятная дата «{text}»: нужен формат ДД.ММ.ГГГГ.")


class ImportCommand(BaseCommand):
    kind: str
    max_bytes = MAX_UPLOAD_BYTES
    file_help = "CSV или XLSX"

    def create_parser(self, prog_name, subcommand, **kwargs):
        required, optional = HEADERS[self.kind]
        columns = ", ".join(required) + (f" [, {', '.join(optional)}]" if optional else "")
        self.help = f"{self.help} Столбцы: {columns}."
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=self.file_help)
        parser.add_argument("--dry-run", action="store_true", help="только проверить и показать, ничего не записывать")
        parser.add_argument("--as-of", type=_date, help="данные на дату ДД.ММ.ГГГГ («Статус моих оплат от …»)")
        parser.add_argument("--user", help="логин того, кто загружает (для журнала загрузок)")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            size = path.stat().st_size
            if size > self.max_bytes:  # refused before a byte is read, as the admin upload is
                raise CommandError(
                    f"Файл «{path.name}» слишком большой ({filesizeformat(size)}); "
                    f"можно не больше {filesizeformat(self.max_bytes)}."
                )
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Не удалось прочитать файл «{path}»: {exc.strerror}.") from None
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"Нет пользователя «{options['user']}».")
        report = run_import(
            kind=self.kind,
            file_name=path.name,
            content=content,
            commit=not options["dry_run"],
            uploaded_by=user,
            as_of=options["as_of"],
            acknowledged=options.get("acknowledge", False),
        )
        if report.duplicate_of is not None:
            self.stdout.write(report.summary)
            return
        if report.errors:
            lines = [f"Файл «{path.name}» не загружен, ничего не изменено. Ошибок: {report.errors_total}."]
            lines += [f"  {error}" for error in report.errors]
            raise CommandError("\n".join(lines))
        for notice in report.notices:
            self.stdout.write(notice)
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(f"Внимание: {warning}"))
        if report.needs_acknowledgement:
            raise CommandError(
                f"Файл «{path.name}» не загружен: итоги не сходятся (см. выше). Проверьте выписку; "
                "если всё верно, запустите команду ещё раз с --acknowledge."
            )
        as_of = f" Данные на {report.as_of:%d.%m.%Y}." if report.as_of else ""
        if options["dry_run"]:
            self.stdout.write(f"Проверка «{path.name}» без записи: {report.summary}.{as_of}")
        else:
            self.stdout.write(self.style.SUCCESS(f"Загружен «{path.name}»: {report.summary}.{as_of}"))
