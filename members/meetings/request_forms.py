"""The member's request form and the board's answer and refusal forms (217-ФЗ ст. 11)."""

from decimal import Decimal

from django import forms

from billing.forms import AMOUNT, SPACES
from members.meetings import law
from members.meetings.request_files import MAX_FILES, TOO_MANY, CheckedFile, FileRefused, check_answer_file
from members.meetings.requests import COMMENT_MAX, WHICH_MAX

DOCUMENT_CHOICES = tuple((kind.code, kind.title) for kind in law.DOCUMENT_KINDS)
ASK_WHICH = frozenset(kind.code for kind in law.DOCUMENT_KINDS if kind.ask_which)


class DocumentRequestForm(forms.Form):
    documents = forms.MultipleChoiceField(
        label="Какие документы нужны",
        choices=DOCUMENT_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Отметьте хотя бы один документ.",
            "invalid_choice": "Отметьте документы из списка.",
        },
    )
    which = forms.CharField(
        label="Какие именно",
        max_length=WHICH_MAX,
        required=False,
        help_text="Для протоколов, смет и отчётов: за какой год, собрание какого числа. "
        "Например: протокол общего собрания от 20.05.2024, смета на 2025 год.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    comment = forms.CharField(
        label="Комментарий для правления",
        max_length=COMMENT_MAX,
        required=False,
        help_text="Необязательно: как удобнее получить копии, в каком виде.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    token = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "invalid": "Обновите страницу и отправьте снова.",
            "required": "Обновите страницу и отправьте снова.",
        },
    )

    def clean(self):
        cleaned = super().clean()
        chosen = set(cleaned.get("documents") or ())
        if chosen & ASK_WHICH and not (cleaned.get("which") or "").strip():
            self.add_error("which", "Уточните, какие именно документы нужны: год, дата собрания или заседания.")
        return cleaned


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AnswerFilesField(forms.FileField):
    """Several files in one input, each checked by its content (request_files)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None) -> list[CheckedFile]:
        uploads = [upload for upload in (data if isinstance(data, list | tuple) else [data]) if upload]
        if len(uploads) > MAX_FILES:
            raise forms.ValidationError(TOO_MANY)
        checked, errors = [], []
        for upload in uploads:
            try:
                checked.append(check_answer_file(upload))
            except FileRefused as refusal:
                errors.append(str(refusal))
        if errors:
            raise forms.ValidationError(errors)
        return checked


class AnswerForm(forms.Form):
    files = AnswerFilesField(
        label="Копии документов",
        required=False,
        help_text=f"PDF, JPEG, PNG, DOCX или XLSX, до 20 МБ каждый, не больше {MAX_FILES} файлов.",
    )
    fee = forms.CharField(
        label="Плата за копии, ₽",
        max_length=20,
        help_text=law.DOCUMENTS_FEE_NOTE + " 0 — бесплатно.",
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={"required": "Укажите плату за копии; 0 — если бесплатно."},
    )
    answer = forms.CharField(
        label="Комментарий правления",
        max_length=2000,
        required=False,
        help_text="Например: как оплатить копии или где забрать заверенные бумажные копии.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_fee(self) -> Decimal:
        typed = SPACES.sub("", self.cleaned_data["fee"])
        if any(char.isdigit() and not char.isascii() for char in typed):
            raise forms.ValidationError("Введите сумму обычными цифрами 0–9, например 150 или 150,50.")
        if typed.startswith("-"):
            raise forms.ValidationError("Плата не может быть отрицательной.")
        if AMOUNT.fullmatch(typed) is None:
            raise forms.ValidationError("Введите сумму в рублях, например 0, 150 или 150,50.")
        return Decimal(typed.replace(",", "."))

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("files") and not (cleaned.get("answer") or "").strip():
            raise forms.ValidationError("Приложите копии документов или напишите в комментарии, как их получить.")
        return cleaned


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label="Причина отказа",
        max_length=2000,
        help_text="Её получит садовод. Например: такого документа в товариществе нет.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Напишите причину отказа: её получит садовод."},
    )
