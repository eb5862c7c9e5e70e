"""Admin pages of «Бухгалтерия»: import from a file (upload → preview → confirm) and the
fee accrual. The rules live in the services; these views only carry files and messages.

Between preview and confirmation the uploaded bytes wait in billing.services.imports.tmp_storage
(outside MEDIA_ROOT); the session holds only their hash and name.
"""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from billing.forms import AccrueFeesForm, ImportUploadForm
from billing.models import ImportBatch
from billing.services.accruals import fees_accrue
from billing.services.imports import HEADERS, ImportReport, example_file, run_import
from billing.services.imports.registry import IMPORTERS, importer_for
from billing.services.imports.tmp_storage import pending_save, pending_take
from billing.signals import readings_imported

IMPORT_PERMISSION = "billing.add_importbatch"
ACCRUE_PERMISSION = "billing.add_charge"
SESSION_KEY = "billing_import"
PREVIEW_ROWS_SHOWN = 500
ACKNOWLEDGE_FIRST = "Итоги выписки не сходятся с документами: отметьте, что сверили её с банком, и загрузите снова."

STATUS_LABELS = {"new": "новая", "changed": "изменится", "unchanged": "без изменений"}
EXAMPLE_TYPES = {
    "txt": "text/plain; charset=windows-1251",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def list_url(kind: str) -> str:
    """The admin list of what a kind imports (its importer's model)."""
    return reverse(f"billing_{importer_for(kind).model._meta.model_name}_modeladmin_index")


def batch_url(batch: ImportBatch) -> str:
    return reverse("billing_importbatch_modeladmin_inspect", args=[batch.pk])


def kind_context(kind: str) -> dict:
    required, optional = HEADERS[kind]
    importer = importer_for(kind)
    return {
        "kind": kind,
        "kind_label": importer.label,
        "required_headers": required,
        "optional_headers": optional,
        "file_help": importer.file_help,
        "examples": [
            (fmt.upper(), reverse("billing_import_example", args=[kind, fmt])) for fmt in importer.extensions
        ],
        "upload_url": reverse("billing_import", args=[kind]),
        "list_url": list_url(kind),
    }


def preview_context(report: ImportReport, *, can_confirm: bool) -> dict:
    columns = list(dict.fromkeys(name for row in report.rows for name in row.values))
    rows = [
        {
            "row": row.row,
            "status": row.status,
            "status_label": STATUS_LABELS.get(row.status, row.status),
            "cells": [row.values.get(name, "") for name in columns],
        }
        for row in report.rows[:PREVIEW_ROWS_SHOWN]
    ]
    return {
        "report": report,
        "columns": columns,
        "rows": rows,
        "rows_hidden": max(len(report.rows) - PREVIEW_ROWS_SHOWN, 0),
        "errors": [str(error) for error in report.errors]
        + ([ACKNOWLEDGE_FIRST] if report.needs_acknowledgement else []),
        "errors_total": report.errors_total,
        "duplicate_notice": report.summary if report.duplicate_of is not None else "",
        "can_confirm": can_confirm,
    }


class ImportPermissionMixin:
    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(IMPORT_PERMISSION):
            raise PermissionDenied
        kind = kwargs.get("kind")
        if kind is not None and kind not in IMPORTERS:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class ImportIndexView(ImportPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "billing/admin/import_index.html"
    page_title = "Импорт из файла"
    header_icon = "upload"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["kinds"] = [kind_context(kind) for kind in IMPORTERS]
        return context


class ImportUploadView(ImportPermissionMixin, WagtailAdminTemplateMixin, FormView):
    """The upload form; a valid upload is checked in full and answered with the preview."""

    template_name = "billing/admin/import_upload.html"
    preview_template_name = "billing/admin/import_preview.html"
    form_class = ImportUploadForm
    header_icon = "upload"

    def get_page_title(self):
        return f"Импорт из файла: {importer_for(self.kwargs['kind']).label.lower()}"

    def get_breadcrumbs_items(self):
        kind = self.kwargs["kind"]
        return [
            *self.breadcrumbs_items,
            {"url": list_url(kind), "label": importer_for(kind).label},
            {"url": "", "label": "Импорт из файла"},
        ]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "kind": self.kwargs["kind"]}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **kind_context(self.kwargs["kind"])}

    def form_valid(self, form):
        kind = self.kwargs["kind"]
        upload = form.cleaned_data["file"]
        as_of = form.cleaned_data.get("as_of")
        content = upload.read()
        report = run_import(
            kind=kind,
            file_name=upload.name,
            content=content,
            commit=False,
            uploaded_by=self.request.user,
            as_of=as_of,
        )
        pending = self.request.session.get(SESSION_KEY, {})
        can_confirm = report.ok and report.duplicate_of is None
        if can_confirm:
            sha256 = pending_save(content=content, file_name=upload.name)
            pending[kind] = {"sha256": sha256, "file_name": upload.name, "as_of": as_of.isoformat() if as_of else ""}
        else:
            pending.pop(kind, None)
        self.request.session[SESSION_KEY] = pending
        return self.response_class(
            request=self.request,
            template=[self.preview_template_name],
            context={
                **self.get_context_data(form=form),
                **preview_context(report, can_confirm=can_confirm),
                "confirm_url": reverse("billing_import_confirm", args=[kind]),
                "sha256": report.sha256,
            },
            using=self.template_engine,
        )


class ImportConfirmView(ImportPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    """Writes the file the treasurer has just previewed, and nothing else."""

    template_name = "billing/admin/import_preview.html"
    header_icon = "upload"
    http_method_names = ["post"]

    def get_page_title(self):
        return f"Импорт из файла: {importer_for(self.kwargs['kind']).label.lower()}"

    def refuse(self, kind: str):
        messages.error(self.request, "Загруженный файл не найден или устарел. Загрузите его ещё раз.")
        return redirect("billing_import", kind=kind)

    def post(self, request, *args, kind: str, **kwargs):
        pending = request.session.get(SESSION_KEY, {})
        entry = pending.pop(kind, None)
        request.session[SESSION_KEY] = pending
        if not isinstance(entry, dict) or request.POST.get("sha256") != entry.get("sha256"):
            return self.refuse(kind)
        content = pending_take(sha256=str(entry.get("sha256", "")), file_name=str(entry.get("file_name", "")))
        if content is None:
            return self.refuse(kind)
        as_of = date.fromisoformat(entry["as_of"]) if entry.get("as_of") else None
        report = run_import(
            kind=kind,
            file_name=entry["file_name"],
            content=content,
            commit=True,
            uploaded_by=request.user,
            as_of=as_of,
            acknowledged=request.POST.get("acknowledge") == "1",
        )
        if not report.committed or report.batch is None:
            context = {**self.get_context_data(**kind_context(kind)), **preview_context(report, can_confirm=False)}
            return self.render_to_response(context)
        if kind == ImportBatch.Kind.READINGS:
            readings_imported.send(
                sender=ImportBatch, batch=report.batch, notify_sms=request.POST.get("notify_sms") == "1"
            )
        messages.success(
            request,
            f"Файл «{report.file_name}» загружен: {report.summary}.",
            buttons=[messages.button(batch_url(report.batch), "Открыть загрузку")],
        )
        return redirect(list_url(kind))


def import_example(request, kind: str, fmt: str) -> HttpResponse:
    """A sample file with the right headers, to fill in and upload."""
    if not request.user.has_perm(IMPORT_PERMISSION):
        raise PermissionDenied
    if kind not in IMPORTERS or fmt not in EXAMPLE_TYPES:
        raise Http404
    file_name, content = example_file(kind, fmt)
    response = HttpResponse(content, content_type=EXAMPLE_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


class AccrueFeesView(WagtailAdminTemplateMixin, FormView):
    """«Начислить взносы»: first a dry run of the accrual service showing what each fee rate
    would accrue, then the real run on «Начислить»."""

    template_name = "billing/admin/accrue.html"
    form_class = AccrueFeesForm
    page_title = "Начислить взносы"
    header_icon = "plus"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(ACCRUE_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        charges = {"url": list_url(ImportBatch.Kind.CHARGES), "label": "Начисления"}
        return [*self.breadcrumbs_items, charges, {"url": "", "label": self.page_title}]

    def form_valid(self, form):
        confirmed = "confirm" in self.request.POST
        result = fees_accrue(
            year=form.cleaned_data["year"],
            article=form.cleaned_data["article"],
            uploaded_by=self.request.user,
            dry_run=not confirmed,
        )
        if not confirmed:
            return self.render_to_response(self.get_context_data(form=form, result=result))
        if result.batch is None:
            messages.info(self.request, f"Нечего начислять: {result}")
        else:
            messages.success(
                self.request,
                f"Взносы начислены: {result}",
                buttons=[messages.button(batch_url(result.batch), "Открыть загрузку")],
            )
        return redirect(list_url(ImportBatch.Kind.CHARGES))
