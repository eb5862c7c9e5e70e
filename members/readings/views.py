"""«Передать показания» (/cabinet/readings/) and the meter photos, served only from here."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from members.readings.admin_views import can_review_readings
from members.readings.forms import ReadingForm
from members.readings.models import ReadingSettings, ReadingSubmission
from members.readings.photos import CONTENT_TYPES, delete_photo, photo_path, store_photo
from members.readings.selectors import meter_states
from members.readings.services import AlreadyDecided, submit_reading
from members.readings.window import current_window, date_words
from members.selectors import cabinet_plots, confirmed_plot_ids
from members.views import member_required

ALREADY_ACCEPTED = "Показание за этот месяц уже принято казначеем; изменить его может только правление."
METER_ID = re.compile(r"[1-9][0-9]{0,8}", re.ASCII)


@require_http_methods(["GET", "HEAD", "POST"])
@member_required
def readings(request: HttpRequest) -> HttpResponse:
    settings = ReadingSettings.current()
    window = current_window(settings=settings)
    states = meter_states(user=request.user, window=window)
    bound = None
    if request.method == "POST":
        raw = request.POST.get("meter", "")
        state = next((s for s in states if METER_ID.fullmatch(raw) and s.meter.pk == int(raw)), None)
        if state is None:
            raise Http404  # not a current meter of the member's confirmed plots, whatever the id
        if not window.is_open:
            messages.error(request, f"Приём показаний закрыт. Он откроется {date_words(window.next_start)}.")
            return redirect("cabinet:readings")
        if not state.editable:
            messages.error(request, ALREADY_ACCEPTED)
            return redirect("cabinet:readings")
        form = ReadingForm(request.POST, request.FILES, state=state, window=window)
        if form.is_valid():
            return _save(request, form)
        bound = form
    forms = [
        bound if bound is not None and bound.state is state else ReadingForm(state=state, window=window)
        for state in states
    ]
    context = {
        "plots": cabinet_plots(user=request.user),
        "forms": forms,
        "window": window,
        "reading_settings": settings,
        "next_start": date_words(window.next_start),
        "taken_on": date_words(window.taken_on),
    }
    return render(request, "members/readings.html", context, status=400 if bound is not None else 200)


def _save(request: HttpRequest, form: ReadingForm) -> HttpResponse:
    photo = store_photo(*form.photo_data) if form.photo_data else ""
    try:
        submit_reading(
            user=request.user,
            meter_id=form.state.meter.pk,
            window=form.window,
            day=form.verdict.day,
            night=form.verdict.night,
            photo=photo,
            confirmed=bool(form.verdict.warnings),  # valid with warnings: the box was ticked
        )
    except AlreadyDecided:
        delete_photo(photo)
        messages.error(request, ALREADY_ACCEPTED)
    except BaseException:
        delete_photo(photo)
        raise
    else:
        meter = form.state.meter
        messages.success(
            request,
            f"Показание по участку {meter.plot.number} передано. Пока казначей его не принял, его можно исправить.",
        )
    return redirect("cabinet:readings")


@require_safe
@login_required
def reading_photo(request: HttpRequest, pk: str) -> FileResponse:
    """The photo of a submission, to a confirmed member of its plot or the treasurer; 404 to anyone else."""
    submission = ReadingSubmission.objects.filter(pk=int(pk)).select_related("meter").first()
    if submission is None or not submission.photo:
        raise Http404
    allowed = can_review_readings(request.user) or submission.meter.plot_id in confirmed_plot_ids(user=request.user)
    path = photo_path(submission.photo) if allowed else None
    if path is None:
        raise Http404
    response = FileResponse(path.open("rb"), content_type=CONTENT_TYPES[path.suffix[1:]])
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = f'inline; filename="pokazanie-{submission.pk}{path.suffix}"'
    return response
