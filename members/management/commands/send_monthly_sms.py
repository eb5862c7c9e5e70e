from django.core.management.base import BaseCommand, CommandError

from members.sms.plan import previous_period, sms_outbox_fill, sms_plan
from members.sms.sending import sms_outbox_send


class Command(BaseCommand):
    help = "Рассылает садоводам SMS с расходом электроэнергии и суммой к оплате за месяц."

    def add_arguments(self, parser):
        parser.add_argument("--period", help="месяц расхода ГГГГ-ММ; по умолчанию прошедший месяц")
        parser.add_argument("--dry-run", action="store_true", help="показать сообщения, ничего не отправляя")

    def handle(self, *args, period=None, dry_run=False, **options):
        period = period or previous_period()
        try:
            plan = sms_plan(period=period)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for error in plan.errors:
            self.stderr.write(self.style.ERROR(error))
        if dry_run:
            for message in plan.messages:
                self.stdout.write(
                    f"{message.phone} (уч. {message.plot_number}, {message.segments} SMS): {message.text}"
                )
            self.stdout.write(
                f"Период {period}: сообщений {len(plan.messages)}. Пробный запуск — ничего не отправлено."
            )
            return
        filled = sms_outbox_fill(period=period)
        sent = sms_outbox_send(period=period)
        unknown = f"под вопросом {sent.unknown}"
        if sent.recovered:
            unknown += f" (из них прерванных прежде отправок {sent.recovered})"
        self.stdout.write(
            f"Период {period}: сообщений {filled.planned}, новых в очереди {filled.queued}; "
            f"отправлено {sent.sent}, ошибок {sent.failed}, {unknown}, отложено {sent.deferred}."
        )
        if plan.errors:
            raise CommandError("Рассылка неполная: " + "; ".join(plan.errors))
