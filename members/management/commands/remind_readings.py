from django.core.management.base import BaseCommand, CommandError

from members.readings.reminders import reminder_plan
from members.readings.window import current_window, date_words

NOT_YET = (
    "Очередь SMS пока различает сообщения только по участку и месяцу: напоминание за {period} заняло бы место "
    "ежемесячного SMS с суммой к оплате. Отправка напоминаний включится, когда у сообщений появится вид "
    "(SmsMessage.kind); сейчас доступен только пробный запуск --dry-run."
)


class Command(BaseCommand):
    help = "Напоминает по SMS о передаче показаний тем, кто ещё не передал их в этом месяце."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="показать сообщения, ничего не отправляя")

    def handle(self, *args, dry_run=False, **options):
        window = current_window()
        plan = reminder_plan(window=window)
        if not dry_run:
            raise CommandError(NOT_YET.format(period=window.period))
        for message in plan:
            self.stdout.write(f"{message.phone} (уч. {message.plot_number}, {message.segments} SMS): {message.text}")
        state = "открыт" if window.is_open else f"закрыт, откроется {date_words(window.next_start)}"
        self.stdout.write(
            f"Приём показаний {window.start:%d.%m}–{window.end:%d.%m} ({state}): сообщений {len(plan)}. "
            "Пробный запуск — ничего не отправлено."
        )
