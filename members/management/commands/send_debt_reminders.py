import datetime

from django.core.management.base import BaseCommand, CommandError

from members.reminders.plan import reminder_plan
from members.reminders.service import new_round_key, reminder_round_send, reminder_round_start


def _date(value: str) -> datetime.date:
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise CommandError(f"Не понимаю дату «{value[:40]}»: нужна ГГГГ-ММ-ДД или ДД.ММ.ГГГГ.")


class Command(BaseCommand):
    help = (
        "Напомнить должникам: SMS (через очередь SMS) и письма садоводам, чей долг на дату не меньше порога "
        "из настроек. Каждый запуск — новая рассылка."
    )

    def add_arguments(self, parser):
        parser.add_argument("--on", required=True, type=_date, help="дата долга (ГГГГ-ММ-ДД)")
        parser.add_argument(
            "--dry-run", action="store_true", help="показать, кому уйдёт напоминание, ничего не отправляя"
        )

    def handle(self, *args, on, dry_run=False, **options):
        plan = reminder_plan(on=on)
        if plan.errors:
            raise CommandError(" ".join(plan.errors))
        for reminder in plan.reminders:
            self.stdout.write(
                f"участок {reminder.plot_number}, {reminder.username}, {reminder.channel_label}: {reminder.amount} ₽"
            )
        if dry_run:
            self.stdout.write(
                f"Пробный запуск, ничего не отправлено. Напоминаний {plan.count}: "
                f"SMS {plan.sms_count}, писем {plan.email_count}."
            )
            return
        if not plan.count:
            self.stdout.write("Напоминать некому.")
            return
        round_, _ = reminder_round_start(plan=plan, key=new_round_key(), user=None)
        done = reminder_round_send(round_id=round_.pk)
        self.stdout.write(
            f"Рассылка № {done.pk}: SMS в очереди {done.queued}, писем {done.sent}, "
            f"пропущено (оплачено) {done.skipped}, не отправлено {done.failed}."
        )
