"""«Подтверждение телефона»: get a code by SMS, type it in; a proven phone may confirm claims."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from members import selectors
from members.services.phone import CODE_DIGITS, PhoneVerificationError, phone_code_confirm, phone_code_send
from members.views import member_required


class PhoneCodeForm(forms.Form):
    code = forms.CharField(
        label="Код из SMS",
        max_length=32,
        error_messages={"required": "Введите код из SMS.", "max_length": f"Код — {CODE_DIGITS} цифр из SMS."},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]*", "size": CODE_DIGITS}
        ),
    )


@require_http_methods(["GET", "POST"])
@member_required
def phone(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "send":
            _send(request)
        elif action == "confirm":
            _confirm(request)
        else:
            messages.error(request, "Неизвестное действие.")
        return redirect("cabinet:phone")  # every answer is a message; a reload repeats nothing
    state = selectors.phone_state(user=request.user)
    return render(request, "members/phone.html", {"state": state, "form": PhoneCodeForm()})


def _send(request: HttpRequest) -> None:
    try:
        sent = phone_code_send(user=request.user)
    except PhoneVerificationError as exc:
        messages.error(request, str(exc))
    else:
        until = timezone.localtime(sent.expires_at).strftime("%H:%M")
        messages.success(request, f"Код отправлен в SMS на номер {sent.phone}. Он действует до {until}.")


def _confirm(request: HttpRequest) -> None:
    form = PhoneCodeForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["code"][0])
        return
    result = phone_code_confirm(user=request.user, code=form.cleaned_data["code"])
    if not result.ok:
        messages.error(request, result.error)
    elif result.already_verified:
        messages.info(request, "Телефон уже подтверждён.")
    else:
        messages.success(request, "Телефон подтверждён.")
        if result.confirmed:
            listed = ", ".join(str(n) for n in result.confirmed)
            messages.success(request, f"Телефон совпал с реестром: участки {listed} подтверждены.")
