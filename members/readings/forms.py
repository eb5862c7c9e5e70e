"""The form of one meter on «Передать показания». The values are checked by members.readings.checks,
the photo by members.readings.photos; the confirmation box appears only when a value looks unusual."""

from django import forms

from members.readings.checks import MAX_DIGITS, Verdict, check_reading
from members.readings.photos import PhotoRefused, clean_photo
from members.readings.selectors import MeterState
from members.readings.window import Window

CONFIRM_LABEL = "Да, показание верное"


def _digits(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        strip=True,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "pattern": "[0-9]*", "autocomplete": "off", "size": MAX_DIGITS + 1}
        ),
    )


class ReadingForm(forms.Form):
    photo = forms.FileField(
        label="Фото счётчика (необязательно)",
        required=False,
        help_text="JPEG, PNG или WebP до 10 МБ. Место съёмки и другие сведения из файла не сохраняются.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    confirm = forms.BooleanField(label=CONFIRM_LABEL, required=False)

    def __init__(self, *args, state: MeterState, window: Window, **kwargs):
        kwargs.setdefault("auto_id", f"id_%s_{state.meter.pk}")
        super().__init__(*args, **kwargs)
        self.state, self.window = state, window
        self.verdict: Verdict | None = None
        self.photo_data: tuple[bytes, str] | None = None
        self.needs_confirm = False
        zones = [("day", "День (T1)"), ("night", "Ночь (T2)")] if state.meter.is_two_zone else [("value", "Показание")]
        for name, label in zones:
            self.fields[name] = _digits(label)
        self.order_fields([name for name, _ in zones] + ["photo", "confirm"])
        submission = state.submission
        if not self.is_bound and submission is not None and state.editable:
            self.initial = (
                {"day": submission.day, "night": submission.night}
                if state.meter.is_two_zone
                else {"value": submission.day + submission.night}
            )

    @property
    def zone_fields(self):
        return [self[name] for name in ("day", "night", "value") if name in self.fields]

    def clean(self):
        cleaned = super().clean()
        raw = {name: self.data.get(self.add_prefix(name), "") for name in ("day", "night", "value")}
        verdict = check_reading(self.state, self.window, raw)
        self.verdict = verdict
        for name, reasons in verdict.errors.items():
            for reason in reasons:
                self.add_error(name or None, reason)
        if not verdict.errors and verdict.warnings and not cleaned.get("confirm"):
            self.needs_confirm = True
            for warning in verdict.warnings:
                self.add_error(None, warning)
            self.add_error("confirm", f"Если цифры верные, отметьте «{CONFIRM_LABEL}» и отправьте ещё раз.")
        upload = cleaned.get("photo")
        if upload:
            try:
                self.photo_data = clean_photo(upload)
            except PhotoRefused as refusal:
                self.add_error("photo", str(refusal))
        return cleaned
