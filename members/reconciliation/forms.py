"""The period of an акт (?from=YYYY-MM-DD&to=YYYY-MM-DD), the treasurer's plot number, and the
board's batch: every refusal in Russian, checked by billing's `period_problems`."""

import datetime

from django import forms
from django.core.exceptions import ValidationError

from billing.services.debts.reconciliation import Period, PlotHeading, default_period, period_problems
from members.plotlist import parse_plot_number, parse_plot_numbers

DATE_FORMAT = "%Y-%m-%d"
BAD_DATE = "Введите дату в формате ГГГГ-ММ-ДД, например 2022-05-01."


def date_field(label: str, *, initial: datetime.date | None, today: datetime.date) -> forms.DateField:
    widget = forms.DateInput(format=DATE_FORMAT, attrs={"type": "date", "max": today.isoformat()})
    return forms.DateField(
        label=label,
        required=False,
        initial=initial,
        input_formats=[DATE_FORMAT],
        widget=widget,
        error_messages={"invalid": BAD_DATE},
    )


class PeriodForm(forms.Form):
    """«from» and «to» as the URL names them; either left out means the plot's first record, or today.
    `cleaned_data["period"]` is the Period to make the акт for."""

    def __init__(self, data=None, *, plot: PlotHeading, today: datetime.date, **kwargs):
        super().__init__(data, **kwargs)
        self.plot, self.today = plot, today
        self.default = default_period(plot.first_day, today)
        self.fields["from"] = date_field("С", initial=self.default.start, today=today)
        self.fields["to"] = date_field("По", initial=self.default.end, today=today)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        period = Period(cleaned.get("from") or self.default.start, cleaned.get("to") or self.default.end)
        plot = self.plot
        problems = period_problems(
            start=period.start, end=period.end, first_day=plot.first_day, today=self.today, number=plot.number
        )
        for field, message in problems:
            self.add_error(field, message)
        cleaned["period"] = period
        return cleaned


class PlotNumberForm(forms.Form):
    """The treasurer's акт of any plot: the number, checked as every typed plot number is."""

    number = forms.CharField(label="Участок", max_length=20, widget=forms.TextInput(attrs={"inputmode": "numeric"}))

    def clean_number(self) -> int:
        return parse_plot_number(self.cleaned_data["number"])


class BatchForm(forms.Form):
    """Plots (empty: every plot with records) and the period, the same for all."""

    numbers = forms.CharField(
        label="Участки",
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Номера через запятую, например 269, 270. "
        "Пусто — все участки, по которым есть начисления, платежи или показания.",
    )

    def __init__(self, data=None, *, today: datetime.date, **kwargs):
        super().__init__(data, **kwargs)
        self.today = today
        self.fields["start"] = date_field("С", initial=None, today=today)
        self.fields["start"].help_text = "Пусто — с первой записи каждого участка."
        self.fields["end"] = date_field("По", initial=today, today=today)

    def clean_numbers(self) -> list[int]:
        return parse_plot_numbers(self.cleaned_data["numbers"])

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end") or self.today
        if "end" not in self.errors and end > self.today:
            self.add_error("end", f"Дата {end:%d.%m.%Y} ещё не наступила.")
        if start is not None and start > end:
            raise ValidationError(f"Начало периода ({start:%d.%m.%Y}) позже его конца ({end:%d.%m.%Y}).")
        cleaned["end"] = end
        return cleaned
