"""«Копии документов» (/cabinet/documents/): a member asks for copies of the partnership's documents
(217-ФЗ ст. 11 ч. 3) and reads the answers; the answer's files are served only from here, to the member
who asked and to the board."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from members.meetings import law
from members.meetings.models import DocumentRequestFile
from members.meetings.request_files import CONTENT_TYPES, answer_file_path
from members.meetings.request_forms import DocumentRequestForm
from members.meetings.requests import (
    MAX_OPEN_REQUESTS,
    RequestRefused,
    may_request,
    own_requests,
    request_documents,
    requesting_person,
)
from members.views import member_required

ANSWER_PERMISSION = "meetings.answer_documentrequest"


def can_answer_requests(user) -> bool:
    return user.is_active and user.is_authenticated and user.has_perm(ANSWER_PERMISSION)


@require_http_methods(["GET", "HEAD", "POST"])
@member_required
def documents(request: HttpRequest) -> HttpResponse:
    person = requesting_person(request.user)
    refusal = may_request(person)
    form = None
    if refusal is None:
        form = DocumentRequestForm(request.POST if request.method == "POST" else None, initial={"token": uuid.uuid4()})
        if request.method == "POST" and form.is_valid():
            return _submit(request, form)
    context = {
        "person": person,
        "refusal": refusal,
        "form": form,
        "requests": own_requests(person),
        "answer_days": law.DOCUMENTS_ANSWER_DAYS,
        "max_open": MAX_OPEN_REQUESTS,
        "fee_note": law.DOCUMENTS_FEE_NOTE,
    }
    status = 400 if form is not None and form.is_bound else 200
    if refusal is not None and request.method == "POST":
        status = 403  # not a member in the registry: the page says why, nothing is made
    return render(request, "meetings/documents.html", context, status=status)


def _submit(request: HttpRequest, form: DocumentRequestForm) -> HttpResponse:
    data = form.cleaned_data
    try:
        made, created = request_documents(
            user=request.user,
            token=data["token"],
            documents=data["documents"],
            which=data["which"],
            comment=data["comment"],
        )
    except RequestRefused as refusal:
        messages.error(request, str(refusal))
    else:
        if created:
            messages.success(
                request,
                f"Запрос № {made.pk} отправлен правлению. Ответ — не позднее {made.due_on:%d.%m.%Y} "
                f"({law.DOCUMENTS_ANSWER_DAYS} дней, ст. 11 217-ФЗ); мы напишем вам на почту.",
            )
        else:
            messages.info(request, f"Этот запрос уже отправлен: № {made.pk}.")
    return redirect(reverse("meetings:documents") + "#requests")


@require_safe
@login_required
def answer_file(request: HttpRequest, pk: str) -> FileResponse:
    """A file of an answer: to the member whose request it answers and to the board; 404 to anyone else."""
    found = DocumentRequestFile.objects.select_related("request__person").filter(pk=int(pk)).first()
    allowed = found is not None and (
        found.request.person.user_id == request.user.pk or can_answer_requests(request.user)
    )
    path = answer_file_path(found.name) if allowed else None
    if path is None:
        raise Http404
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=found.title,
        content_type=CONTENT_TYPES[path.suffix[1:]],
    )
    response["Cache-Control"] = "private, no-store"
    return response
