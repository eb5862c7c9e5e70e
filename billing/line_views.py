"""The treasurer's pages of issue 14: estimated readings, meter replacement, the line balance and
the allocation of losses. Each that writes shows a preview first and writes on «Подтвердить»."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils import timezone
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from billing.admin_views import ACCRUE_PERMISSION
from billing.forms import EstimateReadingsForm, LossAllocationForm, MeterReplacementForm
from billing.line_balance import line_balance
from billing.line_chart import balance_chart
from billing.models import LineSettings
from billing.services.estimates import estimate_readings
from billing.services.losses import AllocationRefused, allocate_losses
from billing.services.meters import Replacement, ReplacementRefused, replace_meter

READINGS_PERMISSION = "billing.add_reading"
PREVIEW_LINES = 200


class PermissionMixin:
    permission = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class EstimateReadingsView(PermissionMixin, WagtailAdminTemplateMixin, FormView):
    permission = READINGS_PERMISSION
    template_name = "billing/admin/estimate_readings.html"
    form_class = EstimateReadingsForm
    page_title = "Расчётные показания"
    header_icon = "time"

    def form_valid(self, form):
        confirmed = "confirm" in self.request.POST
        result = estimate_readings(start=form.cleaned_data["period"], dry_run=not confirmed)
        if not confirmed:
            context = self.get_context_data(form=form, result=result, lines=result.estimates[:PREVIEW_LINES])
            return self.render_to_response(context)
        if result.estimates:
            messages.success(self.request, f"Записано {result.summary}.")
        else:
            messages.info(self.request, f"Ничего не записано: {result.summary}.")
        return redirect("billing_estimate_readings")


class MeterReplacementView(PermissionMixin, WagtailAdminTemplateMixin, FormView):
    """«Замена счётчика»: opened from the meters' list with ?meter=<id>, or with the meter chosen here."""

    permission = "billing.add_meter"
    template_name = "billing/admin/replace_meter.html"
    form_class = MeterReplacementForm
    page_title = "Замена счётчика"
    header_icon = "tasks"

    def get_initial(self):
        initial = {"on": timezone.localdate()}
        meter = self.request.GET.get("meter", "")
        if meter.isascii() and meter.isdigit() and len(meter) < 12:
            initial["meter"] = int(meter)
        return initial

    def form_valid(self, form):
        data = form.cleaned_data
        replacement = Replacement(
            old_meter_id=data["meter"].pk,
            on=data["on"],
            final_day=data["final_day"],
            final_night=data["final_night"],
            serial=data["serial"],
            kind=data["kind"],
            initial_day=data["initial_day"],
            initial_night=data["initial_night"],
        )
        try:
            new = replace_meter(replacement, today=timezone.localdate())
        except ReplacementRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, str(refused))
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"Счётчик участка {new.plot.number} заменён {new.installed_on:%d.%m.%Y}: новый № {new.serial}.",
        )
        return redirect("billing_meter_modeladmin_index")


class LineBalanceReportView(PermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    """The balance as the board sees it in the admin: the same table and chart as the public page."""

    permission = "billing.view_mainreading"
    template_name = "billing/admin/line_balance.html"
    page_title = "Баланс электроэнергии"
    header_icon = "pick"

    def get_context_data(self, **kwargs):
        balance = line_balance(months=24)
        return super().get_context_data(**kwargs) | {"balance": balance, "chart": balance_chart(balance)}


class LossAllocationView(PermissionMixin, WagtailAdminTemplateMixin, FormView):
    """«Распределить потери»: the month's shares first, the charges on «Начислить»."""

    permission = ACCRUE_PERMISSION
    template_name = "billing/admin/allocate_losses.html"
    form_class = LossAllocationForm
    page_title = "Распределить потери"
    header_icon = "pick"

    def get_context_data(self, **kwargs):
        settings = LineSettings.current()
        return super().get_context_data(**kwargs) | {"settings": settings}

    def form_valid(self, form):
        confirmed = "confirm" in self.request.POST
        try:
            result = allocate_losses(month=form.cleaned_data["period"], dry_run=not confirmed)
        except AllocationRefused as refused:
            form.add_error("period", str(refused))
            return self.form_invalid(form)
        if not confirmed:
            shares = sorted(result.shares.items())
            return self.render_to_response(self.get_context_data(form=form, result=result, shares=shares))
        if result.changes:
            messages.success(self.request, f"Потери за {result.month:%m.%Y} начислены: {result.summary}.")
        else:
            messages.info(self.request, f"Потери за {result.month:%m.%Y} уже начислены: ничего не изменилось.")
        return redirect("billing_allocate_losses")
