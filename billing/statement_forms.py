"""Forms of «Неразобранные платежи»: a queued bank document split into (plot, article, amount) parts."""

from decimal import Decimal

from django import forms

from billing.admin_lists import ascii_number
from billing.models import Article, Plot

MAX_PARTS = 5


class PartForm(forms.Form):
    plot = forms.CharField(label="Участок", required=False, max_length=10)
    article = forms.ModelChoiceField(
        label="Статья", queryset=Article.objects.all(), required=False, empty_label="— выберите —"
    )
    amount = forms.DecimalField(
        label="Сумма, ₽",
        required=False,
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        error_messages={
            "invalid": "Введите сумму числом, например 4121.45.",
            "max_decimal_places": "Не больше двух знаков после запятой.",
            "min_value": "Сумма должна быть больше нуля.",
            "max_digits": "Слишком большая сумма.",
        },
    )

    def clean_plot(self):
        text = self.cleaned_data["plot"].strip()
        if not text:
            return None
        if not ascii_number(text):
            raise forms.ValidationError("Номер участка — это цифры, например 269.")
        plot = Plot.objects.filter(number=int(text), active=True).first()
        if plot is None:
            raise forms.ValidationError(f"Участка {int(text)} нет в реестре.")
        return plot

    def clean(self):
        data = super().clean()
        filled = [data.get(name) not in (None, "") for name in ("plot", "article", "amount")]
        if any(filled) and not all(filled):
            raise forms.ValidationError("Заполните в строке участок, статью и сумму — или оставьте её пустой.")
        return data


class BasePartFormSet(forms.BaseFormSet):
    def parts(self) -> list[dict]:
        return [form.cleaned_data for form in self.forms if form.cleaned_data.get("plot")]

    def clean(self):
        if any(self.errors):
            return
        if not self.parts():
            raise forms.ValidationError("Укажите хотя бы один участок, статью и сумму.")


PartFormSet = forms.formset_factory(
    PartForm, formset=BasePartFormSet, extra=0, max_num=MAX_PARTS, absolute_max=MAX_PARTS
)


class AssignForm(forms.Form):
    learn = forms.BooleanField(
        label="Запомнить плательщика: следующие его платежи разносить на эти участки сами",
        required=False,
        initial=True,
    )
