"""The signed-in member in one query: the user with what every page asks of them.

Django's ModelBackend loads the user; then the page asks, each in a query of its own, whether
they may enter the Wagtail admin (two permission queries, for the user bar), whether their email
is verified (allauth's `verified_email_required`, on every cabinet page) and the date of the
payments data (the «Статус моих оплат от …» menu item). The same answers come here as columns of
the user's row, read once per request, so a member's page costs the session, the user and its
own data.
"""

from allauth.account.auth_backends import AuthenticationBackend
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Exists, OuterRef

from billing.selectors import payment_status_date


def member_query():
    """The user rows with `has_permission_rows`, `has_verified_email`, `payment_status_date`."""
    user_model = get_user_model()
    own_permissions = user_model.user_permissions.through.objects.filter(user_id=OuterRef("pk"))
    groups = user_model.groups.through.objects.filter(user_id=OuterRef("pk"))
    return user_model._default_manager.annotate(
        has_permission_rows=Exists(own_permissions) | Exists(groups),
        has_verified_email=Exists(EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)),
        payment_status_date=payment_status_date(subquery=True),
    )


class MemberBackend(AuthenticationBackend):
    """allauth's backend (login by username or email), loading the session's user as above."""

    def get_user(self, user_id) -> AbstractBaseUser | None:
        user = member_query().filter(pk=user_id).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        if not user.has_permission_rows and not user.is_superuser:
            # No permission of their own and no group: ModelBackend would find none, in two queries.
            user._user_perm_cache = user._group_perm_cache = user._perm_cache = set()
        return user
