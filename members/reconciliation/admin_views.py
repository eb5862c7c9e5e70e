"""«Акты сверки» in the treasurer's «Бухгалтерия»: the акт of any plot as PDF, and the board's batch
of акты made by a django-q2 task with its progress and its ZIP.

The views live in members, not billing: the акт carries the partnership's name, requisites and board,
which are site settings that only members may read (billing imports neither members nor home). The
URL names are billing's all the same (`billing_reconciliation`, kwarg `number`, ?from=&to=): the
debtors report links each row to it, and the pages sit in billing's menu under admin/billing/.
"""

from urllib.parse import urlencode

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import re_path, reverse
from django.utils import timezone
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from billing.services.debts.reconciliation import PlotHeading, plot_headings
from members.reconciliation.batch import UnknownPlots, archive_path, reconciliation_batch_start
from members.reconciliation.documents import act_response
from members.reconciliation.forms import BatchForm, PeriodForm, PlotNumberForm
from members.reconciliation.models import ReconciliationBatch

PERMISSIONS = ("billing.view_charge", "billing.view_payment")  # the «Казначей» group has both; editors neither
BATCHES_SHOWN = 20
REFRESH_SECONDS = 3
PDF_NUMBER = r"(?P<number>[1-9][0-9]{0,8})"  # ASCII digits, at most nine: inside every database's integer
NO_PLOT = PlotHeading(plot_id=0, number=0, street="", owner_name="", first_day=None)  # the unbound one-plot form
BLANK = {"from": None, "to": None}  # the treasurer's dates start empty: the plot's first record and today


def can_view_reconciliation(user: AbstractBaseUser) -> bool:
    return user.is_active and user.has_perms(PERMISSIONS)


class ReconciliationPermissionMixin:
    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_view_reconciliation(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ReconciliationIndexView(ReconciliationPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    """The акт of one plot (a GET form leading to the PDF), the batch form and the latest batches."""

    template_name = "members/admin/reconciliation.html"
    page_title = "Акты сверки"
    header_icon = "doc-full"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if "number" not in request.GET:
            return super().get(request, *args, **kwargs)
        plot_form, period_form = PlotNumberForm(request.GET), None
        if plot_form.is_valid():
            number = plot_form.cleaned_data["number"]
            found = plot_headings(numbers=[number])
            if found:
                period_form = PeriodForm(request.GET, plot=found[0], today=timezone.localdate(), initial=BLANK)
                if period_form.is_valid():
                    return redirect(pdf_url(number, period_form))
            else:
                plot_form.add_error("number", f"Участка {number} нет в реестре.")
        forms = {"plot_form": plot_form} | ({"period_form": period_form} if period_form is not None else {})
        return self.render_to_response(self.get_context_data(**forms), status=400)

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        form = BatchForm(request.POST, today=timezone.localdate())
        if form.is_valid():
            try:
                batch = reconciliation_batch_start(
                    numbers=form.cleaned_data["numbers"],
                    start=form.cleaned_data["start"],
                    end=form.cleaned_data["end"],
                    user=request.user,
                    base_url=request.build_absolute_uri("/"),
                )
            except UnknownPlots as refusal:
                form.add_error("numbers", str(refusal))
            else:
                messages.success(request, f"Акты сверки поставлены в очередь: участков {batch.total}.")
                return redirect("billing_reconciliation_batch", pk=batch.pk)
        context = self.get_context_data(batch_form=form)
        return self.render_to_response(context, status=400)

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        kwargs.setdefault("plot_form", PlotNumberForm())
        kwargs.setdefault("period_form", PeriodForm(plot=NO_PLOT, today=today, initial=BLANK))
        kwargs.setdefault("batch_form", BatchForm(today=today))
        batches = ReconciliationBatch.objects.select_related("created_by")[:BATCHES_SHOWN]
        return super().get_context_data(batches=batches, **kwargs)


def pdf_url(number: int, form: PeriodForm) -> str:
    period = form.cleaned_data["period"]
    query = urlencode({"from": period.start.isoformat(), "to": period.end.isoformat()})
    return f"{reverse('billing_reconciliation', kwargs={'number': number})}?{query}"


class ReconciliationPdfView(ReconciliationIndexView):
    """The акт of any plot for ?from=&to= (the plot's first record and today when left out); a bad
    period is answered with the «Акты сверки» page and the reasons, a plot not in the registry with 404."""

    http_method_names = ["get", "head"]

    def get(self, request: HttpRequest, *args, number: str, **kwargs) -> HttpResponse:
        found = plot_headings(numbers=[int(number)])
        if not found:
            raise Http404
        form = PeriodForm(request.GET, plot=found[0], today=timezone.localdate(), initial=BLANK)
        if form.is_valid():
            return act_response(request, found[0], form.cleaned_data["period"], made_on=form.today)
        plot_form = PlotNumberForm({"number": number})
        plot_form.is_valid()
        return self.render_to_response(self.get_context_data(plot_form=plot_form, period_form=form), status=400)


class BatchView(ReconciliationPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    """A batch's progress: the page reloads itself every few seconds until the task has finished."""

    template_name = "members/admin/reconciliation_batch.html"
    header_icon = "doc-full"

    def get_page_title(self):
        return f"Акты сверки: пакет № {self.kwargs['pk']}"

    def get_breadcrumbs_items(self):
        index = {"url": reverse("billing_reconciliation_index"), "label": "Акты сверки"}
        return [*self.breadcrumbs_items, index, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        batch = get_object_or_404(ReconciliationBatch, pk=self.kwargs["pk"])
        ready = archive_path(batch) is not None
        return super().get_context_data(batch=batch, ready=ready, refresh=REFRESH_SECONDS, **kwargs)


@require_safe
def batch_download(request: HttpRequest, pk: int) -> FileResponse:
    """The batch's ZIP, to the treasurer only (it is not under MEDIA_URL)."""
    if not can_view_reconciliation(request.user):
        raise PermissionDenied
    batch = get_object_or_404(ReconciliationBatch, pk=pk)
    path = archive_path(batch)
    if path is None:
        raise Http404
    response = FileResponse(path.open("rb"), as_attachment=True, filename=path.name, content_type="application/zip")
    response["Cache-Control"] = "private, no-store"
    return response


def admin_urls() -> list:
    """Registered by members.wagtail_hooks under the Wagtail admin (its login and access check)."""
    return [
        re_path(r"^billing/reconciliation/$", ReconciliationIndexView.as_view(), name="billing_reconciliation_index"),
        re_path(
            rf"^billing/reconciliation/{PDF_NUMBER}\.pdf$",
            ReconciliationPdfView.as_view(),
            name="billing_reconciliation",
        ),
        re_path(
            r"^billing/reconciliation/batches/(?P<pk>[0-9]{1,9})/$",
            BatchView.as_view(),
            name="billing_reconciliation_batch",
        ),
        re_path(
            r"^billing/reconciliation/batches/(?P<pk>[0-9]{1,9})/archive\.zip$",
            batch_download,
            name="billing_reconciliation_download",
        ),
    ]
