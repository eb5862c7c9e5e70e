"""The treasurer sees the SMS outbox and may send and resend."""

from django.db import migrations

PERMISSIONS = ["view_smsmessage", "change_smsmessage"]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; make sure these exist now.
    members_config = apps.get_app_config("members")
    members_config.models_module = True
    create_permissions(members_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Казначей")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="members", codename__in=PERMISSIONS))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Казначей"):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="members", codename__in=PERMISSIONS)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0004_sms_schedules"),
        ("billing", "0002_treasurer_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
