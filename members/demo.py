"""Demo accounts: the board's editor and treasurer (and, later, member 269)."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

DEMO_PASSWORD = "anikino-demo"  # noqa: S105 - demo data only, printed by `make run`

STAFF = [
    ("admin", "Администратор", None, True),
    ("editor", "Секретарь правления", "Editors", False),
    ("treasurer", "Казначей", "Казначей", False),
]


def load_demo() -> list[str]:
    """Create the demo staff accounts if missing and return the lines to print."""
    user_model = get_user_model()
    lines = []
    for username, first_name, group_name, superuser in STAFF:
        user, created = user_model.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "is_staff": True,
                "is_superuser": superuser,
                "email": f"{username}@example.org",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
        if group_name:
            group, _ = Group.objects.get_or_create(name=group_name)
            user.groups.add(group)
        lines.append(f"{username} / {DEMO_PASSWORD} — {first_name}")
    return lines
