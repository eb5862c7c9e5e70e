"""The treasurer's «Заявки на участки»: pending first, filter by status, confirm or reject in bulk."""

from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from members import selectors
from members.models import PlotClaim
from members.posted import posted_ids
from members.services.claims import decide_claims

TREASURER_GROUP = "Казначей"


def can_review_claims(user: AbstractBaseUser) -> bool:
    """Superusers, the «Казначей» group, or whoever was given the permission; editors never."""
    if not user.is_active or not user.is_authenticated:
        return False
    return (
        user.is_superuser
        or user.has_perm("members.change_plotclaim")
        or user.groups.filter(name=TREASURER_GROUP).exists()
    )


class ClaimsView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "members/admin/claims.html"
    page_title = "Заявки на участки"
    header_icon = "user"
    _actions = {"confirm": PlotClaim.Status.CONFIRMED, "reject": PlotClaim.Status.REJECTED}

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_review_claims(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        status = self.request.GET.get("status", "")
        if status not in PlotClaim.Status.values:
            status = ""
        return super().get_context_data(
            claims=selectors.claims_for_review(status=status or None),
            status=status,
            statuses=PlotClaim.Status.choices,
            **kwargs,
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        status = self._actions.get(request.POST.get("action", ""))
        ids = posted_ids(request.POST.getlist("claim"))
        if status is None or not ids:
            messages.error(request, "Отметьте заявки и выберите действие.")
        else:
            changed = decide_claims(
                claim_ids=ids,
                status=status,
                decided_by=request.user,
                comment=request.POST.get("comment", "")[:255],
                cabinet_url=request.build_absolute_uri(reverse("cabinet:profile")),
            )
            verb = "подтверждено" if status == PlotClaim.Status.CONFIRMED else "отклонено"
            messages.success(request, f"Заявок {verb}: {changed}.")
        return redirect(f"{reverse('members_claims')}?{request.GET.urlencode()}")
