"""«Запись в реестре»: the member's own registry entry, read-only (217-ФЗ ст. 15 ч. 1: a member may see
it). Only the entry linked to the signed-in user by the board: no URL parameter names anyone."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from members.meetings.models import Person
from members.views import member_required


@require_safe
@member_required
def registry_entry(request: HttpRequest) -> HttpResponse:
    person = Person.objects.filter(user=request.user).prefetch_related("ownerships__plot").first()
    return render(request, "meetings/registry.html", {"person": person})
