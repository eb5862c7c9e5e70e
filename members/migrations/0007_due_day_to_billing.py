"""The electricity due day moves from home's site settings to billing's «Сроки оплаты и
напоминания» (billing computes overdue debts and penalties and never reads home). members
depends on both, so it carries the value over before home drops the field."""

from django.db import migrations


def carry_due_day(apps, schema_editor):
    SiteSettings = apps.get_model("home", "SiteSettings")
    DebtSettings = apps.get_model("billing", "DebtSettings")
    source = SiteSettings.objects.filter(site__is_default_site=True).first() or SiteSettings.objects.first()
    if source is None:
        return
    settings = DebtSettings.objects.first() or DebtSettings()
    settings.electricity_due_day = source.payment_due_day or 5
    settings.save()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0006_phone_verification"),
        ("billing", "0006_debts"),
        ("home", "0003_site_settings_contact_page"),
    ]
    run_before = [("home", "0004_board_names_due_day_to_billing")]

    operations = [migrations.RunPython(carry_due_day, migrations.RunPython.noop)]
