"""CSV/XLSX exports of the treasurer's lists.

wagtail-modeladmin does the export: each ModelAdmin's `list_export` and `export_filename`,
`?export=csv|xlsx` on the filtered and searched list, the buttons of its index template, and
Wagtail's `SpreadsheetExportMixin` writing the file (its `custom_value_preprocess` turns
yes/no, related rows and blanks into cells here). What they cannot do is kept:

- every text cell of both formats passes through `csv_safe`, so `=HYPERLINK(...)` arrives as
  text, never as a formula (Wagtail only stops formulas in XLSX, not in CSV);
- a zero or a «Нет» stays in its cell: modeladmin's `to_row_dict` writes «-» for any falsy value;
- headings are `capfirst` of the Russian label («Номер участка»; modeladmin `.title()`s it into
  «Номер Участка») or the ModelAdmin's `export_headings` (modeladmin reads the view's only).
"""

from collections import OrderedDict
from typing import Any

from django.contrib.admin.utils import label_for_field, lookup_field
from django.db import models
from django.utils.encoding import force_str
from django.utils.text import capfirst
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.snippets.views.snippets import IndexView as SnippetIndexView
from wagtail_modeladmin.views import IndexView as ModelAdminIndexView

from billing.services.imports import csv_safe


def _both_formats(function) -> dict[str, Any]:
    return {SpreadsheetExportMixin.FORMAT_CSV: function, SpreadsheetExportMixin.FORMAT_XLSX: function}


def _yes_no(value: bool) -> str:
    return "Да" if value else "Нет"


EXPORT_VALUES = {
    bool: _both_formats(_yes_no),
    models.Model: _both_formats(str),
    type(None): _both_formats(lambda value: ""),
}


class SafeExportMixin:
    """Russian yes/no, related rows by name, blanks for None; text cells of both formats neutralised."""

    custom_value_preprocess = {**SpreadsheetExportMixin.custom_value_preprocess, **EXPORT_VALUES}

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        if isinstance(value, str):
            return csv_safe(value)
        return value


class BillingIndexView(SafeExportMixin, ModelAdminIndexView):
    """modeladmin's list with safe exports, Russian headings and a link to the import page."""

    @property
    def export_headings(self) -> dict[str, str]:
        return self.model_admin.export_headings

    def to_row_dict(self, item):
        """modeladmin's lookup (ModelAdmin columns such as `plot_number` included), the value as it is."""
        return OrderedDict((field, lookup_field(field, item, self.model_admin)[2]) for field in self.list_export)

    def get_heading(self, queryset, field):
        if field in self.export_headings:
            return force_str(self.export_headings[field])
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
