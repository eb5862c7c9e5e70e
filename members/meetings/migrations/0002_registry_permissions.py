"""The registry is the board's: the treasurer («Казначей») and the secretary keep it.

The registry is personal data; Wagtail's «Editors» (whoever edits the public pages) must not see it
(tests/security checks that an editor sees no member's data). So the secretary gets a group of their
own, «Секретарь правления»: admin access and the registry, nothing else; the «Казначей» group gets
the registry too (the treasurer links site users to registry entries)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SECRETARY_GROUP = "Секретарь правления"
GROUPS = ("Казначей", SECRETARY_GROUP)
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
    access_admin = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    Group.objects.get(name=SECRETARY_GROUP).permissions.add(access_admin)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="meetings", codename__in=CODENAMES)
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*permissions)
    Group.objects.filter(name=SECRETARY_GROUP, permissions__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0001_initial"),
        ("billing", "0002_treasurer_group"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        # these hand choose_image/choose_document to every group with admin access: run them first
        ("wagtailimages", "0023_add_choose_permissions"),
        ("wagtaildocs", "0011_add_choose_permissions"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
