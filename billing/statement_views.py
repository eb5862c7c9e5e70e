"""Admin pages of a bank statement's aftermath: the queue «Неразобранные платежи» (assign with a
split, or mark «не взнос») and undoing a whole statement. The rules live in
billing.services.statements.queue; these views carry forms and messages."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from billing.finance import MONTHS, asked_year, finance_dataset, finance_year
from billing.models import Article, BankTransaction, ImportBatch
from billing.services.statements.purpose import article_hint, payer_name
from billing.services.statements.queue import AssignError, Part, assign, skip, statement_undo
from billing.statement_forms import MAX_PARTS, AssignForm, PartFormSet

QUEUE_PERMISSION = "billing.change_banktransaction"
QUEUE_PAGE_SIZE = 50


class QueuePermissionMixin:
    def dispatch(self, request, *args, **kwargs):
        if not (request.user.has_perm(QUEUE_PERMISSION) and request.user.has_perm("billing.add_payment")):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def queued():
    return BankTransaction.objects.filter(
        status=BankTransaction.Status.QUEUED, direction=BankTransaction.Direction.INCOMING
    ).select_related("suggested_plot")


class QueueView(QueuePermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "billing/admin/statement_queue.html"
    page_title = "Неразобранные платежи"
    header_icon = "warning"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(queued().order_by("booked_on", "pk"), QUEUE_PAGE_SIZE).get_page(self.request.GET.get("p"))
        context["page"] = page
        context["rows"] = [(document, payer_name(document.payer_name)) for document in page.object_list]
        context["statements"] = ImportBatch.objects.filter(kind=ImportBatch.Kind.STATEMENT).order_by("-created_at")[
            :12
        ]
        return context


class AssignView(QueuePermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "billing/admin/statement_assign.html"
    page_title = "Разнести платёж"
    header_icon = "success"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": reverse("billing_statement_queue"), "label": "Неразобранные платежи"}]

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.document = get_object_or_404(queued(), pk=kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(document=self.document, payer=payer_name(self.document.payer_name), max_parts=MAX_PARTS)
        context.setdefault("formset", PartFormSet(initial=self._initial(), prefix="part"))
        context.setdefault("form", AssignForm())
        return context

    def _initial(self) -> list[dict]:
        """The suggestion, as the first row; the article the purpose names, if one is."""
        first = {"amount": self.document.amount}
        if self.document.suggested_plot_id:
            first["plot"] = str(self.document.suggested_plot.number)
        hint = article_hint(self.document.purpose)
        if hint.kind:
            articles = Article.objects.filter(kind=hint.kind, year=hint.year or self.document.date.year)
            if len(articles) == 1:
                first["article"] = articles[0]
        return [first] + [{}] * (MAX_PARTS - 1)

    def post(self, request, *args, **kwargs):
        if "skip" in request.POST:
            return self._skip()
        formset = PartFormSet(request.POST, prefix="part")
        form = AssignForm(request.POST)
        if not (formset.is_valid() and form.is_valid()):
            return self.render_to_response(self.get_context_data(formset=formset, form=form))
        parts = [Part(plot=row["plot"], article=row["article"], amount=row["amount"]) for row in formset.parts()]
        try:
            assign(transaction_id=self.document.pk, parts=parts, user=request.user, learn=form.cleaned_data["learn"])
        except AssignError as error:  # shown beside the parts, where the treasurer corrects them
            return self.render_to_response(self.get_context_data(formset=formset, form=form, assign_error=str(error)))
        plots = ", ".join(sorted({str(part.plot.number) for part in parts}))
        messages.success(
            request, f"Платёж № {self.document.number or '—'} на {self.document.amount} ₽ разнесён: уч. {plots}."
        )
        return redirect("billing_statement_queue")

    def _skip(self):
        try:
            skip(transaction_id=self.document.pk, user=self.request.user)
        except AssignError as error:
            messages.error(self.request, str(error))
        else:
            messages.success(self.request, f"Платёж № {self.document.number or '—'} отмечен как «не взнос».")
        return redirect("billing_statement_queue")


class UndoView(QueuePermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    """«Отменить выписку»: what goes (documents it introduced, every payment posted from them), then
    the removal on «Отменить»."""

    template_name = "billing/admin/statement_undo.html"
    page_title = "Отменить выписку"
    header_icon = "undo"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["plan"] = statement_undo(batch_id=self._batch().pk, commit=False)
        return context

    def _batch(self) -> ImportBatch:
        return get_object_or_404(ImportBatch, pk=self.kwargs["batch_id"], kind=ImportBatch.Kind.STATEMENT)

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("billing.delete_payment"):
            raise PermissionDenied
        plan = statement_undo(batch_id=self._batch().pk, commit=True)
        messages.success(request, f"Выписка «{plan.batch.file_name}» отменена: удалено {plan}.")
        return redirect("billing_statement_queue")


class FinanceReportView(WagtailAdminTemplateMixin, TemplateView):
    """«Доходы и расходы» for the treasurer: the public page's table, with an XLSX download."""

    template_name = "billing/admin/finance_report.html"
    page_title = "Доходы и расходы"
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("billing.view_banktransaction"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def report(self):
        return finance_year(asked_year(self.request.GET.get("year", "")))

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "xlsx":
            report = self.report()
            response = HttpResponse(
                finance_dataset(report).export("xlsx"),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            response["Content-Disposition"] = f'attachment; filename="dohody-rashody-{report.year}.xlsx"'
            return response
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "report": self.report(), "months": MONTHS}
