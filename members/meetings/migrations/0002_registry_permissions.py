"""The registry is the board's: the treasurer («Казначей») and the secretary keep it.

There is no «Секретарь правления» group: the demo's secretary is in Wagtail's «Editors», so the
registry permissions go to «Казначей» and «Editors»."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ("Казначей", "Editors")
FULL = ("add", "change", "delete", "view")
CODENAMES = [
    *(f"{action}_person" for action in FULL),
    *(f"{action}_ownership" for action in FULL),
    "link_person",
    "change_meetingrules",
    "view_meetingrules",
]


def grant(apps, schema_editor):
    config = apps.get_app_config("meetings")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = list(Permission.objects.filter(content_type__app_label="meetings", codename__in=CODENAMES))
    if len(permissions) != len(CODENAMES):
        raise RuntimeError("meetings permissions are missing; cannot grant the registry")
    for name in GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="meetings", codename__in=CODENAMES)
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0001_initial"),
        ("billing", "0002_treasurer_group"),
        ("wagtailcore", "0002_initial_data"),  # creates «Editors»
    ]

    operations = [migrations.RunPython(grant, revoke)]
