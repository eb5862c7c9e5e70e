"""The «Казначей» group: Wagtail admin access and the billing permissions, nothing else."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Казначей"
FULL = ("add", "change", "delete", "view")
PERMISSIONS = {
    "plot": FULL,
    "meter": FULL,
    "reading": FULL,
    "charge": FULL,
    "payment": FULL,
    "tariff": FULL,
    "article": FULL,
    "feerate": FULL,
    # view: the import history; add: may import files (the batches are written by the import service)
    "importbatch": ("view", "add"),
}


def create_treasurer_group(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure billing's exist now.
    billing_config = apps.get_app_config("billing")
    billing_config.models_module = True
    create_permissions(billing_config, apps=apps, verbosity=0)

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    codenames = [f"{action}_{model}" for model, actions in PERMISSIONS.items() for action in actions]
    permissions = list(Permission.objects.filter(content_type__app_label="billing", codename__in=codenames))
    if len(permissions) != len(codenames):
        raise RuntimeError("billing permissions are missing; cannot build the treasurer group")
    permissions.append(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    group.permissions.set(permissions)


def delete_treasurer_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        # These hand choose_image/choose_document to every group with admin access; run them
        # first so the treasurer group keeps exactly the permissions above.
        ("wagtailimages", "0023_add_choose_permissions"),
        ("wagtaildocs", "0011_add_choose_permissions"),
    ]

    operations = [migrations.RunPython(create_treasurer_group, delete_treasurer_group)]
