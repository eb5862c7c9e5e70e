"""«Мои персональные данные»: download everything stored about me, or ask for its deletion."""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from members.services.privacy import member_data_erase, member_data_export
from members.views import member_required


class ErasureConfirmForm(forms.Form):
    password = forms.CharField(
        label="Пароль",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Введите пароль ещё раз, чтобы подтвердить удаление.",
    )

    def __init__(self, *args, user: AbstractBaseUser, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("Неверный пароль.")
        return password


@require_safe
@member_required
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "members/privacy.html")


@require_safe
@member_required
def privacy_export(request: HttpRequest) -> HttpResponse:
    data = member_data_export(user=request.user)
    content = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="moi-dannye.json"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@member_required
def privacy_delete(request: HttpRequest) -> HttpResponse:
    if request.user.is_staff or request.user.is_superuser:
        messages.error(request, "Учётную запись сотрудника правления удаляет администратор сайта.")
        return redirect("cabinet:privacy")
    form = ErasureConfirmForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        member_data_erase(user=request.user)
        logout(request)
        messages.success(request, "Ваша учётная запись удалена, персональные данные обезличены.")
        return redirect("/")
    return render(request, "members/privacy_delete.html", {"form": form})
