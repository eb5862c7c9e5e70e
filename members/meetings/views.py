"""The member's pages of the meetings app in «Мои данные»: «Запись в реестре» (217-ФЗ ст. 15 ч. 1: a
member may see their entry) and «Собрания» with the ballot (ст. 17 ч. 21–24). Only the registry entry
linked to the signed-in user by the board: no URL parameter names a person; a meeting id names a meeting
(drafts are not found), and the core decides which of its items this person votes on."""

from http import HTTPStatus

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from members.meetings import voting
from members.meetings.cabinet import ballot_choices, cabinet_meetings, meeting_page, person_of, visible_meetings
from members.meetings.models import Person
from members.meetings.voting import VoteRefused
from members.views import member_required

TEMPLATE = "meetings/cabinet_meeting.html"


@require_safe
@member_required
def registry_entry(request: HttpRequest) -> HttpResponse:
    person = Person.objects.filter(user=request.user).prefetch_related("ownerships__plot").first()
    return render(request, "meetings/registry.html", {"person": person})


@require_safe
@member_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    person = person_of(request.user)
    rows = cabinet_meetings(person) if person is not None else []
    return render(request, "meetings/cabinet_list.html", {"person": person, "rows": rows})


@require_http_methods(["GET", "HEAD", "POST"])
@member_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(visible_meetings(), pk=pk)
    person = person_of(request.user)
    if request.method != "POST":
        return render(request, TEMPLATE, {"page": meeting_page(meeting, person)})
    if person is None:
        messages.error(request, "Ваша учётная запись ещё не связана с записью в реестре: голосовать пока нельзя.")
        return render(request, TEMPLATE, {"page": meeting_page(meeting, None)}, status=HTTPStatus.FORBIDDEN)
    try:
        voting.cast_online(meeting.pk, person.pk, ballot_choices(request.POST))
    except VoteRefused as refusal:
        messages.error(request, str(refusal))
        page = meeting_page(meeting, person, sent=request.POST)
        return render(request, TEMPLATE, {"page": page}, status=HTTPStatus.BAD_REQUEST)
    messages.success(request, "Голос учтён. До окончания голосования его можно изменить на этой странице.")
    return redirect("meetings:meeting", pk=meeting.pk)
