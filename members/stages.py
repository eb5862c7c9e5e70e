"""Login stages replacing allauth's where the partnership needs a different rule."""

from allauth.account.models import EmailAddress
from allauth.account.stages import EmailVerificationStage


class StaffAwareEmailVerificationStage(EmailVerificationStage):
    """Staff made by `createsuperuser` (or by another admin) have no EmailAddress rows, since
    they never signed up; the operator vouches for them, so their email counts as verified.
    Everyone else, staff included once they have an address on record, must confirm it."""

    def handle(self):
        user = self.login.user
        if user is not None and user.is_staff and not EmailAddress.objects.filter(user=user).exists():
            if user.email:
                EmailAddress.objects.create(user=user, email=user.email.lower(), verified=True, primary=True)
            return None, True
        return super().handle()
