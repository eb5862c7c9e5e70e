"""Forms of the treasurer's admin: the import upload, the fee and the penalty accruals."""

from datetime import date
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateInput

from billing.models import Article, Meter
from billing.services.debts.accrual import accrual_refusal
from billing.services.imports.registry import importer_for


class ReadingAdminForm(WagtailAdminModelForm):
    """Meters are listed as «Счётчик … (уч. N)»: fetch their plots in the same query."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meter"].queryset = Meter.objects.select_related("plot")


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Файл",
        error_messages={"required": "Выберите файл.", "empty": "Файл пуст."},
    )
    as_of = forms.DateField(
        label="Данные на дату",
        required=False,
        widget=AdminDateInput,
        help_text="Дата, на которую составлена выписка; её видят садоводы в «Статус моих оплат от …»",
        error_messages={"invalid": "Введите дату, например 26.04.2022."},
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.importer = importer_for(kind)
        size = filesizeformat(self.importer.max_bytes)
        if self.importer.extensions == ("csv", "xlsx"):
            rows = f"{settings.IMPORT_MAX_ROWS:,}".replace(",", "\u00a0")
            help_text = f"CSV или XLSX, не больше {size} и {rows} строк; большие таблицы лучше загружать в CSV"
        else:
            help_text = f"{self.importer.file_help}, не больше {size}"
        self.fields["file"].help_text = help_text
        self.fields["file"].widget.attrs["accept"] = ",".join(f".{ext}" for ext in self.importer.extensions)
        if not self.importer.takes_date:
            del self.fields["as_of"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        extension = PurePath(upload.name).suffix.lower().lstrip(".")
        extensions = self.importer.extensions
        if extension not in extensions:
            if extensions == ("csv", "xlsx"):
                raise forms.ValidationError("Загрузите файл CSV или XLSX (расширение .csv или .xlsx).")
            help_text = self.importer.file_help
            raise forms.ValidationError(
                f"Загрузите файл с расширением {', '.join('.' + ext for ext in extensions)}: "
                f"{help_text[0].lower()}{help_text[1:]}."
            )
        if upload.size > self.importer.max_bytes:
            raise forms.ValidationError(
                f"Файл слишком большой ({filesizeformat(upload.size)}); "
                f"допустимо не больше {filesizeformat(self.importer.max_bytes)}."
            )
        if upload.size == 0:
            raise forms.ValidationError("Файл пуст.")
        return upload

    def clean_as_of(self):
        as_of = self.cleaned_data.get("as_of")
        if as_of and as_of > date.today():
            raise forms.ValidationError("Дата не может быть в будущем.")
        return as_of


class AccrueFeesForm(forms.Form):
    year = forms.IntegerField(
        label="Год",
        min_value=2000,
        max_value=2100,
        required=False,
        help_text="Пусто — все ставки взносов",
        error_messages={"invalid": "Введите год числом, например 2022."},
    )
    article = forms.ModelChoiceField(
        label="Статья",
        queryset=Article.objects.filter(fee_rate__isnull=False),
        required=False,
        empty_label="Все статьи со ставкой",
    )


class AccruePenaltiesForm(forms.Form):
    """The date penalties are accrued up to; the service's refusal (a future date, no rules, before
    the first charge) is the field's error."""

    on = forms.DateField(
        label="Начислить пени по дату",
        widget=AdminDateInput,
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        error_messages={"required": "Укажите дату.", "invalid": "Введите дату в виде ДД.ММ.ГГГГ."},
        help_text="Включительно. Обычно — сегодня или последний день прошлого месяца.",
    )

    def clean_on(self) -> date:
        on = self.cleaned_data["on"]
        refusal = accrual_refusal(on, today=timezone.localdate())
        if refusal:
            raise forms.ValidationError(refusal)
        return on
