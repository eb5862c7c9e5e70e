from django.core.management.base import BaseCommand, CommandError

from members.readings.reminders import reminder_fill, reminder_plan
from members.readings.window import current_window, date_words
from members.sms.sending import sms_outbox_send


class Command(BaseCommand):
    help = (
        "Напоминает по SMS о передаче показаний тем, кто ещё не передал их в этом месяце: "
        "пока открыт приём, не больше одного SMS садоводу за месяц."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="показать сообщения, ничего не отправляя")

    def handle(self, *args, dry_run=False, **options):
        window = current_window()
        state = "открыт" if window.is_open else f"закрыт, откроется {date_words(window.next_start)}"
        if dry_run:
            plan = reminder_plan(window=window)
            for message in plan:
                self.stdout.write(
                    f"{message.phone} (уч. {message.plot_number}, {message.segments} SMS): {message.text}"
                )
            self.stdout.write(
                f"Приём показаний {window.start:%d.%m}–{window.end:%d.%m} ({state}): сообщений {len(plan)}. "
                "Пробный запуск — ничего не отправлено."
            )
            return
        if not window.is_open:
            raise CommandError(f"Приём показаний {state}: напоминания отправляются, пока он открыт.")
        queued = reminder_fill(window=window)
        sent = sms_outbox_send()
        self.stdout.write(
            f"Напоминаний поставлено в очередь: {queued}; отправлено SMS: {sent.sent}, ошибок: {sent.failed}."
        )
