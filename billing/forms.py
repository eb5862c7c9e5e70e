"""Forms of the treasurer's admin: the import upload, the fee and the penalty accruals, the
debtors report's filters."""

import re
from datetime import date
from decimal import Decimal
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateInput

from billing.models import Article, MainReading, Meter, Reading
from billing.services.debts.accrual import accrual_refusal
from billing.services.debts.debtors import BY_AMOUNT, BY_NUMBER, DebtorsQuery
from billing.services.debts.items import ELECTRICITY, ELECTRICITY_NAME, ArticleInfo
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


AMOUNT = re.compile(r"[0-9]{1,10}(?:[.,][0-9]{1,2})?")
DAYS = re.compile(r"[0-9]{1,5}")
SPACES = re.compile(r"[\s\u00a0\u2009\u202f]+")
EARLIEST = date(2000, 1, 1)
MAX_DAYS = 36_500


def _typed(value: str) -> str:
    """What was typed, without the spaces a thousands separator puts in («1 000»)."""
    return SPACES.sub("", value or "")


def _not_ascii(value: str) -> bool:
    return any(ch.isdigit() and not ch.isascii() for ch in value)


def _article_label(info: ArticleInfo) -> str:
    """An electricity article is listed apart from the periods billed by readings: its own charges."""
    return f"{info.name} (начисления)" if info.kind == Article.Kind.ELECTRICITY else info.name


class DebtorsForm(forms.Form):
    """The debtors report's filters, all optional (a GET form: an empty one shows every debtor
    today). `query()` is the DebtorsQuery of the valid form."""

    on = forms.DateField(
        label="На дату",
        required=False,
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text="Пусто — сегодня. Платежи после этой даты не учитываются.",
        error_messages={"invalid": "Введите дату в виде ДД.ММ.ГГГГ, например 01.07.2022."},
    )
    article = forms.ChoiceField(
        label="Статья",
        required=False,
        error_messages={"invalid_choice": "Выберите статью из списка."},
    )
    min_amount = forms.CharField(
        label="Сумма долга от, ₽",
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "0"}),
    )
    min_days = forms.CharField(
        label="Дней просрочки от",
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "0"}),
    )
    order = forms.ChoiceField(
        label="Порядок",
        required=False,
        choices=[(BY_AMOUNT, "По сумме долга"), (BY_NUMBER, "По номеру участка")],
        error_messages={"invalid_choice": "Выберите порядок из списка."},
    )

    def __init__(self, *args, articles: dict[int, ArticleInfo], today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["on"].widget.attrs["max"] = today.isoformat()
        listed = sorted(articles.values(), key=lambda info: (info.sort_order, info.name, info.pk))
        self.fields["article"].choices = [
            ("", "Все статьи"),
            (ELECTRICITY, f"{ELECTRICITY_NAME} по показаниям"),
            *((str(info.pk), _article_label(info)) for info in listed),
        ]

    def clean_on(self) -> date:
        on = self.cleaned_data["on"]
        if _not_ascii(self.data.get("on", "")):  # strptime reads «٢٠٢٢» as a year
            raise forms.ValidationError("Введите дату обычными цифрами 0–9.")
        if on is None:
            return self.today
        if on > self.today:
            raise forms.ValidationError("Дата ещё не наступила: выберите сегодняшнюю или более раннюю.")
        if on < EARLIEST:
            raise forms.ValidationError(f"Выберите дату не раньше {EARLIEST:%d.%m.%Y}.")
        return on

    def clean_article(self) -> int | str | None:
        value = self.cleaned_data["article"]
        if not value:
            return None
        return value if value == ELECTRICITY else int(value)

    def clean_min_amount(self) -> Decimal:
        typed = _typed(self.cleaned_data["min_amount"])
        if not typed:
            return Decimal("0.00")
        if _not_ascii(typed):
            raise forms.ValidationError("Введите сумму обычными цифрами 0–9, например 1000 или 1000,50.")
        if AMOUNT.fullmatch(typed) is None:
            if re.fullmatch(r"[0-9]{11,}(?:[.,][0-9]*)?", typed):
                raise forms.ValidationError("Слишком большая сумма: не больше 9 999 999 999,99 ₽.")
            raise forms.ValidationError("Введите сумму в рублях, например 1000 или 1000,50.")
        return Decimal(typed.replace(",", "."))

    def clean_min_days(self) -> int:
        typed = _typed(self.cleaned_data["min_days"])
        if not typed:
            return 0
        if _not_ascii(typed):
            raise forms.ValidationError("Введите число дней обычными цифрами 0–9.")
        if not typed.isascii() or not typed.isdigit():
            raise forms.ValidationError("Введите целое число дней, например 30.")
        if DAYS.fullmatch(typed) is None or int(typed) > MAX_DAYS:
            raise forms.ValidationError(f"Не больше {MAX_DAYS:,} дней.".replace(",", "\u00a0"))
        return int(typed)

    def query(self) -> DebtorsQuery:
        data = self.cleaned_data
        return DebtorsQuery(
            on=data["on"],
            account=data["article"],
            min_amount=data["min_amount"],
            min_days=data["min_days"],
            order=data["order"] or BY_AMOUNT,
        )


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
