"""The django-q2 schedules of the SMS run: monthly (day and hour from settings) and an
hourly pass that sends what transient failures left queued and polls delivery."""

import datetime

from django.conf import settings
from django.db import migrations
from django.utils import timezone

MONTHLY = "Ежемесячная SMS-рассылка показаний"
HOURLY = "Досылка SMS и проверка доставки"


def next_monthly_run(now):
    day = min(max(int(getattr(settings, "SMS_SEND_DAY", 1)), 1), 28)
    hour = min(max(int(getattr(settings, "SMS_SEND_HOUR", 10)), 0), 23)
    local = timezone.localtime(now)
    candidate = local.replace(day=day, hour=hour, minute=0, second=0, microsecond=0)
    if candidate <= local:
        year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
        candidate = candidate.replace(year=year, month=month)
    return candidate


def create_schedules(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    now = timezone.now()
    Schedule.objects.update_or_create(
        name=MONTHLY,
        defaults={
            "func": "members.tasks.send_monthly_sms",
            "schedule_type": "M",
            "repeats": -1,
            "next_run": next_monthly_run(now),
        },
    )
    Schedule.objects.update_or_create(
        name=HOURLY,
        defaults={
            "func": "members.tasks.send_sms_outbox",
            "schedule_type": "H",
            "repeats": -1,
            "next_run": now.replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=1),
        },
    )


def remove_schedules(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name__in=[MONTHLY, HOURLY]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0003_smsmessage"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
