"""«Регистрационные данные» and «Изменить регистрационные данные»."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from members import selectors
from members.forms import RegistrationDataForm
from members.services.profile import registration_data_update
from members.views import member_required


@member_required
def profile(request: HttpRequest) -> HttpResponse:
    data = selectors.registration_data(user=request.user)
    return render(request, "members/profile.html", {"data": data})


@member_required
def edit(request: HttpRequest) -> HttpResponse:
    profile = ...  # not read yet
    if request.method == "POST":
        form = RegistrationDataForm(request.POST)
        if form.is_valid():
            result = registration_data_update(
                user=request.user,
                plot_numbers=form.cleaned_data["plots"],
                owner_name=form.cleaned_data["owner_name"],
                contact_persons=form.cleaned_data["contact_persons"],
                phone=form.cleaned_data["phone"],
                sms_consent=form.cleaned_data["sms_consent"],
                debt_email_consent=form.cleaned_data["debt_email_consent"],
            )
            messages.success(request, "Регистрационные данные сохранены.")
            if result.pending:
                listed = ", ".join(str(n) for n in result.pending)
                text = (
                    f"Участки {listed} ожидают подтверждения казначеем; до тех пор данных по ним не видно."
                    if len(result.pending) > 1
                    else f"Участок {listed} ожидает подтверждения казначеем; до тех пор данных по нему не видно."
                )
                messages.info(request, text)
            return redirect("cabinet:profile")
    else:
        data = selectors.registration_data(user=request.user)
        profile = data.profile  # read once, for the form and the phone's state
        form = RegistrationDataForm(
            initial={
                "plots": ",".join(str(n) for n in data.listed_numbers),
                "owner_name": profile.owner_name if profile else "",
                "contact_persons": profile.contact_persons if profile else "",
                "phone": profile.phone if profile else "",
                "sms_consent": ("yes" if profile.sms_consent else "no") if profile and profile.phone else None,
                "debt_email_consent": "no" if profile and not profile.debt_email_consent else "yes",
            }
        )
    phone = selectors.phone_state(user=request.user, profile=profile)
    return render(request, "members/edit.html", {"form": form, "phone": phone})
