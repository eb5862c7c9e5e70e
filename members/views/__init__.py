"""Cabinet views. Every one of them is for a logged-in member with a confirmed email."""

import functools
from collections.abc import Callable

from allauth.account.decorators import verified_email_required
from django.contrib.auth.mixins import AccessMixin
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator


def member_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login required (→ the allauth login), and a verified email: an unverified member gets
    the confirmation letter again and a page asking to follow its link. A member whose row says
    the email is verified (members.backends) passes without allauth's own query."""
    checked = verified_email_required(view)

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated and getattr(request.user, "has_verified_email", False) is True:
            return view(request, *args, **kwargs)
        return checked(request, *args, **kwargs)

    return wrapped


class MemberRequiredMixin(AccessMixin):
    """Class-based twin of `member_required`."""

    @method_decorator(member_required)
    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return super().dispatch(request, *args, **kwargs)


__all__ = ["MemberRequiredMixin", "member_required"]
