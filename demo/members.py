"""Demo accounts: the board's editor, treasurer and meetings secretary, and member 269 with plots 269 and 270."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from billing.models import Plot
from members.models import PlotClaim, Profile

DEMO_PASSWORD = "anikino-demo"  # noqa: S105  # nosec B105 - demo accounts only, printed by `make run`

STAFF = [
    ("admin", "Администратор", None, True),
    ("editor", "Секретарь правления", "Editors", False),
    ("treasurer", "Казначей", "Казначей", False),
    ("sekretar", "Секретарь правления: реестр и общие собрания", "Секретарь правления", False),
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
    lines.append(_load_member_269())
    return lines


MEMBER = "269"
MEMBER_EMAIL = "member269@example.org"
MEMBER_PASSWORD = "Sad-demo-2022"  # noqa: S105  # nosec B105 - demo accounts only, printed by `make run`
MEMBER_PLOTS = [269, 270]


def _load_member_269() -> str:
    """Member 269 as the instruction shows him: verified email, phone with SMS consent, plots
    269 and 270 confirmed. Plots missing from the registry are skipped."""
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(username=MEMBER, defaults={"email": MEMBER_EMAIL})
    if created:
        user.set_password(MEMBER_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(user=user, email=MEMBER_EMAIL, defaults={"verified": True, "primary": True})
    Profile.objects.get_or_create(
        user=user, defaults={"owner_name": "Иванов Иван Иванович", "phone": "89031221105", "sms_consent": True}
    )
    for plot in Plot.objects.filter(number__in=MEMBER_PLOTS):
        PlotClaim.objects.get_or_create(
            user=user,
            plot=plot,
            defaults={"status": PlotClaim.Status.CONFIRMED, "comment": "Демо-данные", "decided_at": timezone.now()},
        )
    return f"{MEMBER} / {MEMBER_PASSWORD} — садовод, участки 269 и 270"
