"""Forms of the treasurer's admin: the import upload, the fee and the penalty accruals."""

from datetime import date
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateInput

from billing.models import Article, MainReading, Meter, Reading
from billing.services.debts.accrual import accrual_refusal
from billing.services.estimates import EstimateRefused, parse_period
from billing.services.imports.registry import importer_for


class ReadingAdminForm(WagtailAdminModelForm):
    """Meters are listed as «Счётчик … (уч. N)»: fetch their plots in the same query."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meter"].queryset = Meter.objects.select_related("plot")

    def save(self, commit=True):
        self.instance.source = Reading.Source.MANUAL  # entered (or corrected) by the treasurer
        return super().save(commit=commit)


class MainReadingAdminForm(WagtailAdminModelForm):
    """A main meter's reading typed by the treasurer: marked as such; it never goes down."""

    def save(self, commit=True):
        self.instance.source = MainReading.Source.MANUAL
        return super().save(commit=commit)

    def clean(self):
        data = super().clean()
        meter, taken_on = data.get("main_meter"), data.get("taken_on")
        if meter is None or taken_on is None:
            return data
        others = MainReading.objects.filter(main_meter=meter).exclude(pk=self.instance.pk)
        before = others.filter(taken_on__lt=taken_on).order_by("-taken_on").first()
        after = others.filter(taken_on__gt=taken_on).order_by("taken_on").first()
        for zone in ("day", "night"):
            value = data.get(zone)
            if value is None:
                continue
            if before is not None and value < getattr(before, zone):
                self.add_error(
                    zone, f"Показание {value} меньше предыдущего {getattr(before, zone)} ({before.taken_on:%d.%m.%Y})."
                )
            elif after is not None and value > getattr(after, zone):
                self.add_error(
                    zone, f"Показание {value} больше следующего {getattr(after, zone)} ({after.taken_on:%d.%m.%Y})."
                )
        return data


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


class EstimateReadingsForm(forms.Form):
    """The month whose end (the 1st of the next month) gets estimated readings."""

    period = forms.CharField(
        label="Период (месяц)",
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "2026-05", "inputmode": "numeric"}),
        help_text="Год и месяц, например 2026-05: расчётные показания встанут на 1-е число следующего месяца.",
        error_messages={"required": "Укажите месяц, например 2026-05."},
    )

    def clean_period(self) -> date:
        try:
            return parse_period(self.cleaned_data["period"])
        except EstimateRefused as refused:
            raise forms.ValidationError(str(refused)) from None


class LossAllocationForm(EstimateReadingsForm):
    """The month whose line loss is charged to the plots (dated the 1st of the next month)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "period"
        ].help_text = "Год и месяц, например 2026-05: потери этого месяца начисляются 1-м числом следующего."


class MeterValueField(forms.CharField):
    """A meter's value: up to seven ASCII digits (not «١٢٣», not «1e5», not a minus)."""

    def __init__(self, *, label: str, required: bool = True, **kwargs):
        super().__init__(
            label=label,
            required=required,
            max_length=20,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            error_messages={"required": "Укажите показание."},
            **kwargs,
        )

    def clean(self, value):
        text = (super().clean(value) or "").strip().replace(" ", "")
        if not text:
            return 0
        if not (text.isascii() and text.isdigit()):
            raise forms.ValidationError("Показание — целое число из цифр 0–9, без букв, точек и знаков.")
        if len(text.lstrip("0")) > 7:
            raise forms.ValidationError("Показание не длиннее 7 цифр.")
        return int(text)


class MeterReplacementForm(forms.Form):
    """The old meter's removal with its final reading and the new meter with its initial one."""

    meter = forms.ModelChoiceField(
        label="Снимаемый счётчик",
        queryset=Meter.objects.filter(removed_on__isnull=True).select_related("plot"),
        error_messages={"required": "Выберите счётчик.", "invalid_choice": "Такого счётчика нет или он уже снят."},
    )
    on = forms.DateField(
        label="Дата замены",
        widget=AdminDateInput,
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        error_messages={"required": "Укажите дату замены.", "invalid": "Введите дату в виде ДД.ММ.ГГГГ."},
    )
    final_day = MeterValueField(label="Конечное показание старого: день (или единственное)")
    final_night = MeterValueField(label="Конечное показание старого: ночь", required=False)
    serial = forms.CharField(
        label="Заводской номер нового счётчика",
        max_length=64,
        error_messages={"required": "Укажите заводской номер нового счётчика."},
    )
    kind = forms.ChoiceField(
        label="Тип нового счётчика",
        choices=Meter.Kind.choices,
        error_messages={"required": "Выберите тип нового счётчика.", "invalid_choice": "Выберите тип из списка."},
    )
    initial_day = MeterValueField(label="Начальное показание нового: день (или единственное)")
    initial_night = MeterValueField(label="Начальное показание нового: ночь", required=False)
