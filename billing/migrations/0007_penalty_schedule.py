"""The django-q2 schedule of the monthly penalty accrual: the 1st of each month at 03:00."""

from django.db import migrations
from django.utils import timezone

NAME = "Ежемесячное начисление пеней"


def next_first_of_month(now):
    local = timezone.localtime(now)
    year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    return local.replace(year=year, month=month, day=1, hour=3, minute=0, second=0, microsecond=0)


def create_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.update_or_create(
        name=NAME,
        defaults={
            "func": "billing.tasks.accrue_penalties_monthly",
            "schedule_type": "M",
            "repeats": -1,
            "next_run": next_first_of_month(timezone.now()),
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0006_debts"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
