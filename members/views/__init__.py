"""Cabinet views. Every one of them is for a logged-in member with a confirmed email."""

from collections.abc import Callable

from allauth.account.decorators import verified_email_required
from django.contrib.auth.mixins import AccessMixin
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator


def member_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login required (→ the allauth login), and a verified email: an unverified member gets
    the confirmation letter again and a page asking to follow its link."""
    return verified_email_required(view)


class MemberRequiredMixin(AccessMixin):
    """Class-based twin of `member_required`."""

    @method_decorator(member_required)
    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return super().dispatch(request, *args, **kwargs)


__all__ = ["MemberRequiredMixin", "member_required"]
