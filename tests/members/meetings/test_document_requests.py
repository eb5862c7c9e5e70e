"""Requests for copies of documents (217-ФЗ ст. 11 ч. 3–4): who may ask, one request per form, the limit
of open requests, the board's queue and answer (files checked by content, kept privately), the fee, the
refusal, the email, and that nobody else sees a member's request or its files."""

import datetime
import io
import threading
import uuid
import zipfile
from decimal import Decimal
from http import HTTPStatus
from pathlib import Path

import openpyxl
import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from members.meetings import law, request_files
from members.meetings.models import DocumentRequest, DocumentRequestFile
from members.meetings.requests import MAX_OPEN_REQUESTS, NOT_LINKED, NOT_MEMBER, RequestRefused, request_documents
from tests.billing.test_permissions import menu_labels
from tests.factories import UserFactory
from tests.members.meetings.world import person

pytestmark = pytest.mark.django_db

PAGE = "/cabinet/documents/"
QUEUE = "/admin/meetings/requests/"
SECRETARY = "Секретарь правления"


def answer_url(found: DocumentRequest) -> str:
    return f"{QUEUE}{found.pk}/"


@pytest.fixture
def linked(member):
    """Member 269's registry entry, linked to their site account: a member since 2020."""
    return person("Иванов Иван Иванович", user=member, email="registry@example.org")


@pytest.fixture
def secretary(db):
    return UserFactory(username="sekretar", email="", is_staff=True, groups=[SECRETARY])


@pytest.fixture
def secretary_client(client, secretary):
    client.force_login(secretary)
    return client


def ask(client, *, documents=("charter",), which="", comment="", token=None):
    data = {"documents": list(documents), "which": which, "comment": comment, "token": str(token or uuid.uuid4())}
    return client.post(PAGE, data)


def made(linked_person, **fields) -> DocumentRequest:
    fields.setdefault("documents", ["charter"])
    return DocumentRequest.objects.create(person=linked_person, requested_by=linked_person.user, **fields)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """committed(post, …): the email goes after the commit, which the test's transaction never reaches."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


def text(response) -> str:
    return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)


# --- the law's data -------------------------------------------------------------------------------


def test_the_documents_of_article_11_are_data_with_the_laws_points():
    codes = [kind.code for kind in law.DOCUMENT_KINDS]
    assert len(codes) == len(set(codes))
    points = {kind.point for kind in law.DOCUMENT_KINDS}
    assert points == {"1", "2", "3", "4", "5", "6", "7"}
    titles = " ".join(kind.title for kind in law.DOCUMENT_KINDS)
    for words in (
        "Устав",
        "Бухгалтерская (финансовая) отчётность",
        "Приходно-расходные сметы",
        "ревизионной комиссии",
    ):
        assert words in titles
    assert "Финансово-экономическое обоснование размера взносов" in titles
    assert law.DOCUMENT_KINDS_BY_CODE["meeting_protocols"].ask_which
    assert not law.DOCUMENT_KINDS_BY_CODE["charter"].ask_which


def test_the_answer_is_due_thirty_days_after_the_request():
    assert law.DOCUMENTS_ANSWER_DAYS == 30
    assert law.documents_due(datetime.date(2026, 3, 1)) == datetime.date(2026, 3, 31)
    assert law.documents_due(datetime.date(2026, 12, 15)) == datetime.date(2027, 1, 14)


# --- who may ask ----------------------------------------------------------------------------------


def test_the_page_needs_a_login(client):
    response = client.get(PAGE)
    assert response.status_code == HTTPStatus.FOUND
    assert "/accounts/login/" in response["Location"]


def test_a_member_not_linked_to_the_registry_is_told_why_and_cannot_post(member_client, member):
    page = member_client.get(PAGE)
    assert page.status_code == HTTPStatus.OK
    assert NOT_LINKED in page.content.decode()
    assert not BeautifulSoup(page.content, "html.parser").select("main form")
    response = ask(member_client)
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert NOT_LINKED in response.content.decode()
    assert not DocumentRequest.objects.exists()
    with pytest.raises(RequestRefused, match="не связана"):
        request_documents(user=member, token=uuid.uuid4(), documents=["charter"])


@pytest.mark.parametrize(
    "entry",
    [
        {"is_member": False},  # an owner without membership: ст. 11 ч. 3 is for members
        {
            "is_member": False,
            "member_since": datetime.date(2015, 1, 1),
            "membership_ended_on": datetime.date(2020, 1, 1),
        },
        {"member_since": datetime.date(2099, 1, 1)},  # not a member yet
    ],
)
def test_someone_who_is_not_a_member_today_may_not_ask(member_client, member, entry):
    person("Петров Пётр", user=member, **entry)
    assert NOT_MEMBER in member_client.get(PAGE).content.decode()
    assert ask(member_client).status_code == HTTPStatus.FORBIDDEN
    assert not DocumentRequest.objects.exists()


# --- asking ---------------------------------------------------------------------------------------


def test_a_member_asks_and_sees_the_request_with_its_deadline(member_client, linked):
    response = ask(
        member_client,
        documents=["charter", "meeting_protocols"],
        which="протокол общего собрания от 20.05.2024",
        comment="  Пришлите, пожалуйста, сканы  ",
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/cabinet/documents/#requests"
    found = DocumentRequest.objects.get()
    assert (found.person, found.requested_by, found.status) == (linked, linked.user, DocumentRequest.Status.RECEIVED)
    assert found.documents == ["charter", "meeting_protocols"]
    assert (found.which, found.comment) == ("протокол общего собрания от 20.05.2024", "Пришлите, пожалуйста, сканы")
    page = member_client.get(PAGE)
    shown = text(page)
    due = (timezone.localdate() + datetime.timedelta(days=30)).strftime("%d.%m.%Y")
    assert f"Запрос № {found.pk} отправлен правлению. Ответ — не позднее {due}" in shown
    assert f"Запрос № {found.pk} от {timezone.localdate():%d.%m.%Y}" in shown
    assert f"принят, готовится ответ , ответ не позднее {due}" in shown
    assert "Протоколы общих собраний членов товарищества" in shown


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"documents": []}, "Отметьте хотя бы один документ."),
        ({"documents": ["charter", "passwords"]}, "Отметьте документы из списка."),
        ({"documents": ["budgets"], "which": "   "}, "Уточните, какие именно документы нужны"),
        ({"documents": ["charter"], "token": "not-a-uuid"}, "Обновите страницу и отправьте снова."),
        ({"documents": ["charter"], "comment": "ж" * 1001}, "1000"),
    ],
)
def test_bad_requests_are_refused_in_russian(member_client, linked, data, error):
    payload = {"which": "", "comment": "", "token": str(uuid.uuid4()), **data}
    response = member_client.post(PAGE, payload)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert error in response.content.decode()
    assert not DocumentRequest.objects.exists()


def test_two_clicks_on_one_form_make_one_request(member_client, linked):
    token = uuid.uuid4()
    ask(member_client, token=token)
    second = ask(member_client, token=token)
    assert second.status_code == HTTPStatus.FOUND
    assert DocumentRequest.objects.count() == 1
    assert "Этот запрос уже отправлен" in text(member_client.get(PAGE))


def test_the_service_gives_the_same_request_for_the_same_token(linked):
    token = uuid.uuid4()
    first, created = request_documents(user=linked.user, token=token, documents=["charter", "charter"])
    again, created_again = request_documents(user=linked.user, token=token, documents=["accounts"])
    assert (created, created_again, first.pk, again.documents) == (True, False, again.pk, ["charter"])


def test_at_most_n_open_requests_per_person(member_client, linked):
    for _ in range(MAX_OPEN_REQUESTS):
        ask(member_client)
    response = ask(member_client)
    assert DocumentRequest.objects.count() == MAX_OPEN_REQUESTS
    assert f"У вас уже {MAX_OPEN_REQUESTS} запроса" in text(member_client.get(response["Location"]))
    DocumentRequest.objects.filter(pk=DocumentRequest.objects.order_by("pk").first().pk).update(
        status=DocumentRequest.Status.ANSWERED
    )
    ask(member_client)
    assert DocumentRequest.objects.count() == MAX_OPEN_REQUESTS + 1


def test_another_member_sees_nothing_of_the_request(client, linked, make_member):
    made(linked, which="протокол от 01.06.2024 секретный")
    other = make_member(username="300", email="other@example.org")
    person("Другой Член", user=other)
    client.force_login(other)
    shown = text(client.get(PAGE))
    assert "секретный" not in shown and "Вы ещё не запрашивали копии документов." in shown


# --- the board ------------------------------------------------------------------------------------


def test_the_permission_is_the_secretarys_not_the_editors_or_the_treasurers():
    def codenames(name):
        return set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))

    assert {"answer_documentrequest", "view_documentrequest"} <= codenames(SECRETARY)
    assert not {"answer_documentrequest", "view_documentrequest"} & (codenames("Editors") | codenames("Казначей"))


def test_the_queue_is_in_the_secretarys_menu_only(secretary, treasurer, editor):
    assert "Запросы документов" in menu_labels(secretary)
    assert "Запросы документов" not in menu_labels(treasurer)
    assert "Запросы документов" not in menu_labels(editor)


def test_others_get_no_queue(client, editor_client, treasurer, member_client, linked):
    found = made(linked)
    for url in (QUEUE, answer_url(found)):
        assert member_client.get(url).status_code == HTTPStatus.FOUND  # no admin access: to the login
        assert editor_client.get(url).status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
    client.force_login(treasurer)
    assert client.get(QUEUE).status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
    assert "Иванов" not in client.get(QUEUE).content.decode()


def test_the_queue_shows_the_date_received_and_the_deadline_overdue_first(secretary_client, linked):
    now = timezone.now()
    late = made(linked, received_at=now - datetime.timedelta(days=31), which="смета 2024")
    fresh = made(linked, received_at=now - datetime.timedelta(days=2))
    made(linked, status=DocumentRequest.Status.ANSWERED)
    page = BeautifulSoup(secretary_client.get(QUEUE).content, "html.parser")
    rows = page.select("table.listing tbody tr")
    assert [row.select_one("a").get_text(strip=True) for row in rows] == [f"№ {late.pk}", f"№ {fresh.pk}"]
    assert "просрочен" in rows[0].get_text() and "просрочен" not in rows[1].get_text()
    assert f"{late.due_on:%d.%m.%Y}" in rows[0].get_text()
    assert f"{timezone.localtime(late.received_at):%d.%m.%Y}" in rows[0].get_text()
    answered = secretary_client.get(QUEUE, {"status": "answered"}).content.decode()
    assert "ответ готов" in answered


def test_the_request_page_shows_the_request_and_the_two_forms_until_it_is_answered(secretary_client, linked):
    found = made(linked, documents=["budgets"], which="смета 2025", comment="Лучше в PDF")
    page = BeautifulSoup(secretary_client.get(answer_url(found)).content, "html.parser")
    shown = page.get_text(" ", strip=True)
    for words in ("Иванов Иван Иванович", "Приходно-расходные сметы", "смета 2025", "Лучше в PDF"):
        assert words in shown
    assert f"{found.due_on:%d.%m.%Y}" in shown and "не может превышать затраты на их изготовление" in shown
    assert {button["value"] for button in page.select("main form button[name=action]")} == {"answer", "refuse"}
    assert page.select_one("input[type=file][name=files]").has_attr("multiple")
    answer(secretary_client, found, files=[pdf()])
    page = BeautifulSoup(secretary_client.get(answer_url(found)).content, "html.parser")
    assert not page.select("main form button[name=action]")
    assert page.select_one(f'a[href="/cabinet/documents/files/{found.files.get().pk}/"]').get_text() == "ustav.pdf"


def test_a_missing_request_is_a_404(secretary_client):
    for pk in ("999999", "9" * 30):
        assert secretary_client.get(f"{QUEUE}{pk}/").status_code == HTTPStatus.NOT_FOUND
        assert secretary_client.post(f"{QUEUE}{pk}/", {"action": "refuse", "reason": "x"}).status_code == 404
    assert secretary_client.get(f"{QUEUE}١٢/").status_code == HTTPStatus.NOT_FOUND


# --- the answer -----------------------------------------------------------------------------------


def pdf(name="ustav.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n", "application/pdf")


def png(name="skan.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), "image/png")


def xlsx(name="smeta.xlsx") -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    book.active["A1"] = "Смета"
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), "application/octet-stream")


def office_zip(name: str, parts: dict[str, bytes]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part, data in parts.items():
            archive.writestr(part, data)
    return SimpleUploadedFile(name, buffer.getvalue(), "application/octet-stream")


def docx(name="protokol.docx") -> SimpleUploadedFile:
    return office_zip(name, {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


def answer(client, found, *, files=(), fee="150,50", note=""):
    return client.post(answer_url(found), {"action": "answer", "files": list(files), "fee": fee, "answer": note})


def test_the_secretary_answers_with_files_and_a_fee_and_the_member_downloads_them(
    secretary_client, client, linked, settings, committed
):
    found = made(linked, documents=["charter", "budgets"], which="смета 2025")
    response = committed(
        answer,
        secretary_client,
        found,
        files=[pdf("../../etc/Устав\u202e.pdf"), png(), xlsx(), docx()],
        note="Оплата в кассу",
    )
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    found.refresh_from_db()
    assert (found.status, found.fee, found.answer) == (
        DocumentRequest.Status.ANSWERED,
        Decimal("150.50"),
        "Оплата в кассу",
    )
    assert found.answered_by.username == "sekretar" and found.answered_at is not None
    files = list(found.files.all())
    assert [f.title for f in files] == ["Устав.pdf", "skan.png", "smeta.xlsx", "protokol.docx"]
    stored = [Path(settings.DOCUMENT_REQUEST_DIR) / f.name for f in files]
    assert all(path.is_file() for path in stored)
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.pdf"))  # nothing under the public media

    (letter,) = mail.outbox
    assert letter.to == [linked.user.email]
    assert f"№ {found.pk}" in letter.subject
    assert "http://testserver/cabinet/documents/" in letter.body
    assert "150,50 ₽" in letter.body and "не может превышать затраты на их изготовление" in letter.body

    client.force_login(linked.user)
    page = text(client.get(PAGE))
    assert "ответ готов" in page and "150,50 ₽" in page and "Оплата в кассу" in page
    download = client.get(f"/cabinet/documents/files/{files[0].pk}/")
    assert download.status_code == HTTPStatus.OK
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Cache-Control"].startswith("private, no-store")
    assert secretary_client.get(f"/cabinet/documents/files/{files[1].pk}/").status_code == HTTPStatus.OK


def test_an_answer_without_files_needs_a_note_and_a_zero_fee_is_free(secretary_client, linked, committed):
    found = made(linked)
    refused = answer(secretary_client, found, fee="0")
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert "Приложите копии документов или напишите" in refused.content.decode()
    done = committed(answer, secretary_client, found, fee="0", note="Заберите копии в правлении")
    assert done.status_code == HTTPStatus.FOUND
    found.refresh_from_db()
    assert found.fee == Decimal("0.00")
    assert "Плата за копии: не взимается." in mail.outbox[0].body
    member = Client()
    member.force_login(linked.user)
    assert "не взимается" in text(member.get(PAGE))


@pytest.mark.parametrize(
    ("fee", "error"),
    [
        ("-5", "Плата не может быть отрицательной."),
        ("١٥٠", "обычными цифрами"),
        ("15.555", "Введите сумму в рублях"),
        ("сто", "Введите сумму в рублях"),
        ("", "Укажите плату за копии; 0 — если бесплатно."),
    ],
)
def test_the_fee_is_a_sum_in_roubles_not_below_zero(secretary_client, linked, fee, error):
    found = made(linked)
    response = answer(secretary_client, found, files=[pdf()], fee=fee)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert error in response.content.decode()
    found.refresh_from_db()
    assert found.status == DocumentRequest.Status.RECEIVED and not mail.outbox


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("ustav.pdf", b"MZ\x90\x00 this is a program", "application/pdf"),
        SimpleUploadedFile("ustav.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"),
        SimpleUploadedFile("pusto.pdf", b"", "application/pdf"),
        SimpleUploadedFile("foto.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/gif"),
        office_zip(
            "makros.docx",
            {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<d/>", "word/vbaProject.bin": b"x"},
        ),
        office_zip("prosto.zip.docx", {"readme.txt": b"hello"}),
    ],
    ids=["exe", "html", "empty", "gif", "macros", "plain-zip"],
)
def test_files_are_checked_by_their_content(secretary_client, linked, settings, upload):
    found = made(linked)
    response = answer(secretary_client, found, files=[pdf(), upload])
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "не похож на PDF, JPEG, PNG, DOCX или XLSX" in response.content.decode() or "пустой" in (
        response.content.decode()
    )
    assert not DocumentRequestFile.objects.exists()
    assert not list(Path(settings.DOCUMENT_REQUEST_DIR).glob("*"))


def test_a_file_over_the_limit_is_refused(secretary_client, linked, monkeypatch):
    monkeypatch.setattr(request_files, "MAX_BYTES", 16)
    response = answer(secretary_client, made(linked), files=[pdf()])
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "больше 20 МБ" in response.content.decode()


def test_a_zip_bomb_in_disguise_is_refused(monkeypatch):
    monkeypatch.setattr(request_files, "MAX_UNPACKED", 10)
    with pytest.raises(request_files.FileRefused):
        request_files.check_answer_file(docx())


def test_the_secretary_refuses_with_a_reason_and_cannot_answer_after(secretary_client, linked, settings, committed):
    found = made(linked)
    empty = secretary_client.post(answer_url(found), {"action": "refuse", "reason": "  "})
    assert empty.status_code == HTTPStatus.BAD_REQUEST
    assert "Напишите причину отказа" in empty.content.decode()
    committed(secretary_client.post, answer_url(found), {"action": "refuse", "reason": "Такого протокола нет"})
    found.refresh_from_db()
    assert (found.status, found.answer, found.fee) == (DocumentRequest.Status.REFUSED, "Такого протокола нет", None)
    (letter,) = mail.outbox
    assert "отказ" in letter.subject and "Причина: Такого протокола нет" in letter.body
    late = committed(answer, secretary_client, found, files=[pdf()], fee="-1")
    assert late.status_code == HTTPStatus.FOUND  # decided already: the form is not even looked at
    assert "На этот запрос уже ответили" in text(secretary_client.get(late["Location"]))
    assert not DocumentRequestFile.objects.exists() and not list(Path(settings.DOCUMENT_REQUEST_DIR).glob("*"))
    assert len(mail.outbox) == 1


def test_the_files_are_the_requesters_and_the_boards_only(client, secretary_client, linked, make_member, editor):
    found = made(linked)
    answer(secretary_client, found, files=[pdf()])
    url = f"/cabinet/documents/files/{found.files.get().pk}/"
    other = make_member(username="300", email="other@example.org")
    person("Другой Член", user=other)
    for intruder in (other, editor):
        client.force_login(intruder)
        assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    client.logout()
    assert client.get(url).status_code == HTTPStatus.FOUND  # to the login
    client.force_login(linked.user)
    assert client.get("/cabinet/documents/files/999999/").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/cabinet/documents/files/١/").status_code == HTTPStatus.NOT_FOUND


def test_a_file_missing_from_the_disk_is_a_404_not_an_error(client, secretary_client, linked, settings):
    found = made(linked)
    answer(secretary_client, found, files=[pdf()])
    stored = found.files.get()
    (Path(settings.DOCUMENT_REQUEST_DIR) / stored.name).unlink()
    client.force_login(linked.user)
    assert client.get(f"/cabinet/documents/files/{stored.pk}/").status_code == HTTPStatus.NOT_FOUND


def test_the_menu_has_the_item_in_my_data(member_client, linked):
    page = BeautifulSoup(member_client.get(PAGE).content, "html.parser")
    current = page.select_one("li.main-nav__item--dropdown a[aria-current=page]")
    assert current.get_text(strip=True) == "Копии документов"


# --- at the same instant (SQLite and PostgreSQL: run with DATABASE_URL) --------------------------


def _at_once(user, tokens: list[uuid.UUID]) -> tuple[list[bool], list[str]]:
    """request_documents of each token in its own thread and connection, released together."""
    barrier = threading.Barrier(len(tokens))
    created, refusals = [], []

    def ask_now(token: uuid.UUID) -> None:
        try:
            barrier.wait()
            created.append(request_documents(user=user, token=token, documents=["charter"])[1])
        except RequestRefused as refusal:
            refusals.append(str(refusal))
        finally:
            connection.close()

    threads = [threading.Thread(target=ask_now, args=(token,)) for token in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return created, refusals


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_the_same_instant_make_one_request(make_member):
    user = make_member()
    person("Иванов Иван Иванович", user=user)
    token = uuid.uuid4()
    created, refusals = _at_once(user, [token, token])
    assert (sorted(created), refusals) == ([False, True], [])
    assert DocumentRequest.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_open_request_limit_holds_when_requests_come_together(make_member):
    user = make_member()
    person("Иванов Иван Иванович", user=user)
    created, refusals = _at_once(user, [uuid.uuid4() for _ in range(MAX_OPEN_REQUESTS + 2)])
    assert created == [True] * MAX_OPEN_REQUESTS and len(refusals) == 2
    assert DocumentRequest.objects.count() == MAX_OPEN_REQUESTS


def test_the_page_reads_the_same_number_of_queries_for_one_request_or_many(member_client, linked):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert member_client.get(PAGE).status_code == HTTPStatus.OK
        return len(captured)

    first = made(linked, status=DocumentRequest.Status.ANSWERED)
    DocumentRequestFile.objects.create(request=first, name=f"{'a' * 32}.pdf", title="a.pdf", size=1)
    queries()  # the site, its settings and the session are cached after the first page
    one = queries()
    for index in range(5):
        more = made(linked, status=DocumentRequest.Status.ANSWERED)
        DocumentRequestFile.objects.create(request=more, name=f"{index:032d}.pdf", title="b.pdf", size=1)
    assert queries() == one
