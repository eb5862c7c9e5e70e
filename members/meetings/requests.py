"""Requests for copies of the partnership's documents (217-ФЗ ст. 11 ч. 3–4): a member asks, the board
answers with the files and the fee or refuses with a reason, and the member gets an email.

Who asks is the registry Person linked to the signed-in user (never a typed id), and only while a member
(ст. 11 ч. 3 gives the right to members). The Person's row lock serialises one person's requests: the
form's token makes a second click or a resent POST the same request, and the open-request limit holds
when two requests come at once."""

import datetime
import uuid
from collections.abc import Sequence
from decimal import Decimal

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone

from members.meetings import law
from members.meetings.models import DocumentRequest, DocumentRequestFile, Person
from members.meetings.request_files import CheckedFile, delete_answer_file, store_answer_file
from members.meetings.voting import MEMBER, role_on
from members.partnership import partnership_settings

MAX_OPEN_REQUESTS = 3  # requests awaiting an answer per person: a member needs few, a script many
WHICH_MAX = 500
COMMENT_MAX = 1000

NOT_LINKED = (
    "Ваша учётная запись ещё не связана с записью в реестре членов товарищества. Связать её может казначей "
    "или секретарь после подтверждения ваших участков; до этого запросить копии документов через сайт нельзя."
)
NOT_MEMBER = (
    "Запросить копии документов товарищества через сайт может член товарищества (ч. 3 ст. 11 217-ФЗ). "
    "По реестру вы сейчас не член товарищества; если это ошибка, напишите правлению."
)
TOO_MANY = (
    f"У вас уже {MAX_OPEN_REQUESTS} запроса, на которые правление ещё не ответило. "
    "Новый запрос можно будет отправить после ответа на один из них."
)
ALREADY_DECIDED = "На этот запрос уже ответили: ответ изменить нельзя."


class RequestRefused(Exception):
    """A Russian reason the request or the answer was not taken."""


def requesting_person(user) -> Person | None:
    """The registry entry linked to `user`, if any (the board links it; the member cannot)."""
    if not user.is_authenticated:
        return None
    return Person.objects.filter(user=user).first()


def may_request(person: Person | None, day: datetime.date | None = None) -> str | None:
    """None if the person may ask for copies today, else the Russian reason."""
    if person is None:
        return NOT_LINKED
    if role_on(person, day or timezone.localdate()) != MEMBER:
        return NOT_MEMBER
    return None


def own_requests(person: Person | None) -> list[DocumentRequest]:
    """The person's requests, newest first, with their files: two queries whatever their number."""
    if person is None:
        return []
    files = Prefetch("files", queryset=DocumentRequestFile.objects.order_by("pk"))
    return list(DocumentRequest.objects.filter(person=person).prefetch_related(files))


def request_documents(
    *, user, token: uuid.UUID, documents: Sequence[str], which: str = "", comment: str = ""
) -> tuple[DocumentRequest, bool]:
    """The request (new, or the one this form already made) and whether it was made now."""
    codes = list(dict.fromkeys(documents))
    if not codes or any(code not in law.DOCUMENT_KINDS_BY_CODE for code in codes):
        raise RequestRefused("Отметьте документы из списка.")
    with transaction.atomic():
        person = Person.objects.select_for_update().filter(user=user).first() if user.is_authenticated else None
        if (reason := may_request(person)) is not None:
            raise RequestRefused(reason)
        known = DocumentRequest.objects.filter(person=person, token=token).first()
        if known is not None:
            return known, False
        if DocumentRequest.objects.filter(person=person, status=DocumentRequest.Status.RECEIVED).count() >= (
            MAX_OPEN_REQUESTS
        ):
            raise RequestRefused(TOO_MANY)
        try:
            with transaction.atomic():
                made = DocumentRequest.objects.create(
                    person=person,
                    requested_by=user,
                    token=token,
                    documents=codes,
                    which=which.strip()[:WHICH_MAX],
                    comment=comment.strip()[:COMMENT_MAX],
                )
        except IntegrityError:  # the same form, committed by a parallel request meanwhile
            return DocumentRequest.objects.get(person=person, token=token), False
    return made, True


def _locked_open(request_id: int) -> DocumentRequest:
    found = DocumentRequest.objects.select_for_update().filter(pk=request_id).first()
    if found is None:
        raise RequestRefused("Такого запроса нет.")
    if not found.is_open:
        raise RequestRefused(ALREADY_DECIDED)
    return found


def answer_request(
    *, request_id: int, by, files: Sequence[CheckedFile], fee: Decimal, answer: str = "", cabinet_url: str
) -> DocumentRequest:
    """The board's answer: the files (stored privately), the fee (ст. 11 ч. 4: at most the cost of the
    copies) and a note; the member is emailed after the commit. Refused if already answered."""
    if fee < 0:
        raise RequestRefused("Плата не может быть отрицательной.")
    if not files and not answer.strip():
        raise RequestRefused("Приложите копии документов или напишите, как их получить.")
    stored: list[str] = []
    try:
        with transaction.atomic():
            found = _locked_open(request_id)
            for checked in files:
                name = store_answer_file(checked)
                stored.append(name)
                DocumentRequestFile.objects.create(
                    request=found, name=name, title=checked.title, size=len(checked.data)
                )
            _decide(found, by, DocumentRequest.Status.ANSWERED, answer, fee)
            transaction.on_commit(lambda: notify_member(request_id=found.pk, cabinet_url=cabinet_url))
    except BaseException:
        for name in stored:
            delete_answer_file(name)
        raise
    return found


def refuse_request(*, request_id: int, by, reason: str, cabinet_url: str) -> DocumentRequest:
    """A refusal with its reason (e.g. the document does not exist); the member is emailed."""
    if not reason.strip():
        raise RequestRefused("Напишите причину отказа: её получит садовод.")
    with transaction.atomic():
        found = _locked_open(request_id)
        _decide(found, by, DocumentRequest.Status.REFUSED, reason, None)
        transaction.on_commit(lambda: notify_member(request_id=found.pk, cabinet_url=cabinet_url))
    return found


def _decide(found: DocumentRequest, by, status: str, answer: str, fee: Decimal | None) -> None:
    found.status = status
    found.answer = answer.strip()[:2000]
    found.fee = fee
    found.answered_at = timezone.now()
    found.answered_by = by
    found.save(update_fields=["status", "answer", "fee", "answered_at", "answered_by"])


def notify_member(*, request_id: int, cabinet_url: str) -> bool:
    """The email to the member who asked (the site account's address, else the registry's)."""
    found = DocumentRequest.objects.select_related("person", "requested_by").filter(pk=request_id).first()
    if found is None:
        return False
    address = (found.requested_by.email if found.requested_by_id else "") or found.person.email
    if not address:
        return False
    context = {
        "snt_name": partnership_settings().full_name,
        "request": found,
        "files": list(found.files.all()),
        "cabinet_url": cabinet_url,
        "fee_note": law.DOCUMENTS_FEE_NOTE,
    }
    subject = render_to_string("meetings/email/document_answer_subject.txt", context).strip()
    body = render_to_string("meetings/email/document_answer_message.txt", context)
    send_mail(" ".join(subject.split()), body, None, [address])
    return True
