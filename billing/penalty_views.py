"""«Начислить пени»: a dry run of the accrual first, showing every plot whose penalties change,
then the real run on «Начислить пени». The rules live in billing.services.debts.accrual."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from billing.admin_views import ACCRUE_PERMISSION
from billing.formatting import format_rub
from billing.forms import AccruePenaltiesForm
from billing.services.debts.accrual import AccrualRefused, AccrualResult, penalties_accrue

PREVIEW_LINES = 200


def accrual_summary(result: AccrualResult) -> str:
    way = "растёт" if result.difference >= 0 else "уменьшается"
    return (
        f"новых начислений {result.created}, изменено {result.updated}, удалено {result.deleted}; "
        f"сумма пеней {way} на {format_rub(abs(result.difference))} ₽"
    )


class AccruePenaltiesView(WagtailAdminTemplateMixin, FormView):
    template_name = "billing/admin/accrue_penalties.html"
    form_class = AccruePenaltiesForm
    page_title = "Начислить пени"
    header_icon = "warning"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(ACCRUE_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"on": timezone.localdate()}

    def get_breadcrumbs_items(self):
        rules = {"url": reverse("wagtailsnippets_billing_penaltyrule:list"), "label": "Правила начисления пеней"}
        return [*self.breadcrumbs_items, rules, {"url": "", "label": self.page_title}]

    def form_valid(self, form):
        confirmed = "confirm" in self.request.POST
        try:
            result = penalties_accrue(on=form.cleaned_data["on"], dry_run=not confirmed)
        except AccrualRefused as refused:  # a rule deleted between the form's check and the run
            form.add_error("on", str(refused))
            return self.form_invalid(form)
        if not confirmed:
            context = self.get_context_data(form=form, result=result, lines=result.changes[:PREVIEW_LINES])
            return self.render_to_response(context | {"summary": accrual_summary(result)})
        if result.changes:
            messages.success(self.request, f"Пени начислены по {result.on:%d.%m.%Y}: {accrual_summary(result)}.")
        else:
            messages.info(self.request, f"Пени по {result.on:%d.%m.%Y} уже начислены: ничего не изменилось.")
        return redirect("billing_accrue_penalties")
