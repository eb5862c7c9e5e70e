"""Forms of the member's side: allauth's login and signup in the partnership's words, and the
«Изменить регистрационные данные» form."""

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction

from members import selectors
from members.adapters import TAKEN_PLOT_ATTR
from members.phones import normalize_phone
from members.plotlist import looks_like_plot_number, parse_plot_number, parse_plot_numbers

LOGIN_HINT = "например, 123"
LOGIN_HELP = "Если у вас несколько участков — номер наименьшего."


class LoginForm(AllauthLoginForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = "Номер участка (логин)"
        login.help_text = LOGIN_HINT
        # no digit keypad: the treasurer and the secretary log in here too, with names
        login.widget.attrs.update({"autocomplete": "username"})
        login.widget.attrs.pop("placeholder", None)
        login.error_messages["required"] = "Введите номер участка."
        self.fields["password"].label = "Пароль"
        self.fields["password"].help_text = ""
        self.fields["password"].widget.attrs["placeholder"] = ""
        self.fields["password"].error_messages["required"] = "Введите пароль."

    def clean_login(self) -> str:
        """«0269» and « 269 » both mean plot 269, so they count as one login everywhere (rate
        limits too); «²» or «٢٦٩» are refused with a message. Staff logins are left as typed."""
        login = super().clean_login()
        return str(parse_plot_number(login)) if looks_like_plot_number(login) else login


class SignupForm(AllauthSignupForm):
    consent = forms.BooleanField(
        label="Я даю согласие на обработку моих персональных данных",
        required=True,
        error_messages={"required": "Без согласия на обработку персональных данных регистрация невозможна."},
    )

    field_order = ["username", "email", "password1", "password2", "consent"]
    taken_plot_number: int | None = None  # set by clean_username when the plot has an account

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        labels = {
            "username": "Номер участка",
            "email": "Адрес электронной почты",
            "password1": "Пароль",
            "password2": "Подтвердить пароль",
        }
        for name, label in labels.items():
            self.fields[name].label = label
            self.fields[name].widget.attrs.pop("placeholder", None)
        self.fields["username"].help_text = "Если участков несколько — номер наименьшего, например для 123,124 — 123."
        self.fields["username"].widget.attrs["inputmode"] = "numeric"
        self.fields["username"].error_messages["required"] = "Введите номер участка."
        self.fields["password1"].help_text = (
            "Не менее 6 знаков: латинские буквы, цифры и знаки; не только цифры; "
            "не номер участка и не номер с парой знаков вокруг."
        )

    def clean_username(self) -> str:
        """A plot of the registry. A plot number that already has an account is not an error
        here: `try_save` answers it like a new signup, so the form tells nobody which plots
        have accounts (the letters explain it to the address typed and to the owner)."""
        number = parse_plot_number(self.cleaned_data.get("username"))
        if selectors.unknown_plot_numbers(numbers=[number]):
            raise forms.ValidationError(
                f"Участка № {number} нет в реестре товарищества. Проверьте номер или напишите правлению.",
                code="unknown_plot",
            )
        self.cleaned_data["username"] = str(number)
        try:
            return super().clean_username()
        except forms.ValidationError as error:
            if error.code != "username_taken":
                raise
            self.taken_plot_number = number
            return str(number)

    def try_save(self, request):
        if self.taken_plot_number is None:
            try:
                with transaction.atomic():
                    return super().try_save(request)
            except IntegrityError:
                # A second signup won the race after this form was checked: answer as for a taken
                # plot, or (the same address at once) as allauth does for a taken address; no 500.
                number = int(self.cleaned_data["username"])
                if not get_user_model().objects.filter(username=str(number)).exists():
                    self.account_already_exists = True
                    return super().try_save(request)
                self.taken_plot_number = number
        if self.taken_plot_number is not None:
            # As long as a real signup takes (it hashes the password), then allauth's
            # "account already exists" answer: the same redirect and message as a new account.
            make_password(self.cleaned_data["password1"])
            setattr(request, TAKEN_PLOT_ATTR, self.taken_plot_number)
            self.account_already_exists = True
        return super().try_save(request)


class RegistrationDataForm(forms.Form):
    plots = forms.CharField(
        label="Номера участков",
        required=False,
        max_length=500,
        help_text="В любом порядке, через запятую, без пробелов, например 269,270.",
    )
    owner_name = forms.CharField(label="ФИО владельца", required=False, max_length=255)
    contact_persons = forms.CharField(
        label="Контактные лица",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Кто ещё может говорить от имени владельца: ФИО, кем приходится, телефон.",
    )
    phone = forms.CharField(
        label="Мобильный телефон",
        required=False,
        max_length=32,
        help_text="89991234567 — без плюсов, без пробелов, без тире, только цифры, начиная с 8.",
        widget=forms.TextInput(attrs={"placeholder": "89991234567", "inputmode": "tel", "autocomplete": "tel"}),
    )
    sms_consent = forms.TypedChoiceField(
        label="Присылать на этот номер SMS с показаниями и суммой к оплате?",
        choices=[("yes", "Да, присылать"), ("no", "Нет, телефон только для связи")],
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )

    debt_email_consent = forms.TypedChoiceField(
        label="Присылать на электронную почту напоминания о долгах?",
        choices=[("yes", "Да, присылать"), ("no", "Нет, не присылать")],
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text="Письмо приходит на подтверждённый адрес, только если по участку есть просроченный долг.",
    )

    def clean_plots(self) -> list[int]:
        numbers = parse_plot_numbers(self.cleaned_data["plots"])
        unknown = selectors.unknown_plot_numbers(numbers=numbers)
        if unknown:
            listed = ", ".join(str(n) for n in unknown)
            word = "Участка" if len(unknown) == 1 else "Участков"
            raise forms.ValidationError(
                f"{word} {listed} нет в реестре товарищества. Проверьте номера или напишите правлению.",
                code="unknown_plot",
            )
        return numbers

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"])

    def clean(self):
        """The SMS question is part of entering a phone: a number with no answer is asked again,
        so nobody types a phone and silently gets nothing."""
        cleaned = super().clean()
        consent, phone = cleaned.get("sms_consent"), cleaned.get("phone")
        if consent and not phone and "phone" not in self.errors:
            self.add_error("phone", "Чтобы получать SMS, укажите мобильный телефон.")
        elif phone and consent is None and "sms_consent" not in self.errors:
            self.add_error("sms_consent", "Ответьте, присылать ли SMS на этот номер.")
        cleaned["sms_consent"] = bool(consent)
        return cleaned
