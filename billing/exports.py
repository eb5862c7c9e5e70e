"""CSV/XLSX exports of the treasurer's lists.

Every text cell passes through `csv_safe`, so a street like `=HYPERLINK(...)` arrives in
the spreadsheet as text, never as a formula (CSV injection). Numbers and dates stay typed.
"""

from collections import OrderedDict
from typing import Any

from django.contrib.admin.utils import label_for_field, lookup_field
from django.db import models
from django.utils.encoding import force_str
from django.utils.text import capfirst
from wagtail.snippets.views.snippets import IndexView as SnippetIndexView
from wagtail_modeladmin.views import IndexView as ModelAdminIndexView

from billing.services.imports import csv_safe


def export_value(value: Any) -> Any:
    """A cell for the spreadsheet: yes/no in Russian, related rows by name, blanks for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Да" if value else "Нет"
    if isinstance(value, models.Model):
        return str(value)
    return value


class SafeExportMixin:
    """Neutralises text cells of both export formats."""

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        if isinstance(value, str):
            return csv_safe(value)
        return value


class BillingIndexView(SafeExportMixin, ModelAdminIndexView):
    """modeladmin's list with safe exports, Russian headings and a link to the import page."""

    def to_row_dict(self, item):
        row = OrderedDict()
        for field in self.list_export:
            _field, _attr, value = lookup_field(field, item, self.model_admin)
            row[field] = export_value(value)
        return row

    def get_heading(self, queryset, field):
        headings = getattr(self.model_admin, "export_headings", {})
        if field in headings:
            return force_str(headings[field])
        return capfirst(force_str(label_for_field(field, model=self.model, model_admin=self.model_admin)))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_blocks"] = [
            {"title": capfirst(str(spec.title)), "choices": list(spec.choices(self))} for spec in self.filter_specs
        ]
        context["import_url"] = self.model_admin.import_url_for(self.request.user)
        context["extra_buttons"] = self.model_admin.extra_buttons_for(self.request.user)
        return context


class BillingSnippetIndexView(SafeExportMixin, SnippetIndexView):
    """The snippet list (tariffs, articles, fee rates) with safe exports."""

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        return OrderedDict((field, export_value(value)) for field, value in row.items())
