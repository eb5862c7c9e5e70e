from http import HTTPStatus

import pytest
from django.core import mail
from wagtail.contrib.forms.models import FormSubmission

from home.models.contact import SUBMISSIONS_PER_WINDOW

pytestmark = pytest.mark.django_db

MESSAGE = {
    "vashe_imia": "Иван Петров",
    "elektronnaia_pochta": "ivan@example.org",
    "nomer_uchastka": "269",
    "soobshchenie": "Нет данных по моему участку.",
}
POST = {**MESSAGE, "website": ""}  # the honeypot, left empty as a person leaves it


def field_names(page):
    return [field.clean_name for field in page.form_fields.all()]


def test_form_field_names_are_the_expected_ones(site_pages):
    assert field_names(site_pages.contact) == list(MESSAGE)


def test_form_renders_labels_and_consent_link(client, site_pages):
    html = client.get(site_pages.contact.url).content.decode()
    assert '<label for="id_vashe_imia">Ваше имя' in html
    assert '<label for="id_soobshchenie">Сообщение' in html
    assert f'href="{site_pages.consent.url}">обработку персональных данных</a>' in html
    assert 'name="website"' in html


def test_submission_is_stored_and_mailed_to_the_board(client, site_pages):
    response = client.post(site_pages.contact.url, POST)
    assert response.status_code == HTTPStatus.OK
    assert "Спасибо" in response.content.decode()
    submission = FormSubmission.objects.get(page=site_pages.contact)
    assert submission.get_data()["soobshchenie"] == "Нет данных по моему участку."
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["board@example.org"]
    assert "Номер участка: 269" in mail.outbox[0].body


def test_invalid_submission_shows_errors_and_stores_nothing(client, site_pages):
    response = client.post(site_pages.contact.url, {**POST, "elektronnaia_pochta": "не почта"})
    assert response.status_code == HTTPStatus.OK
    assert 'class="form-error" role="alert"' in response.content.decode()
    assert not FormSubmission.objects.exists()
    assert mail.outbox == []


def test_filled_honeypot_is_refused(client, site_pages):
    response = client.post(site_pages.contact.url, {**POST, "website": "http://spam.example"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Сообщение не отправлено" in response.content.decode()
    assert not FormSubmission.objects.exists()
    assert mail.outbox == []


def test_rate_limit_per_address(client, site_pages):
    for _ in range(SUBMISSIONS_PER_WINDOW):
        assert client.post(site_pages.contact.url, POST).status_code == HTTPStatus.OK
    response = client.post(site_pages.contact.url, POST)
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Слишком много сообщений" in response.content.decode()
    assert FormSubmission.objects.count() == SUBMISSIONS_PER_WINDOW
    assert len(mail.outbox) == SUBMISSIONS_PER_WINDOW
    other = client.post(site_pages.contact.url, POST, REMOTE_ADDR="10.0.0.2")
    assert other.status_code == HTTPStatus.OK


def test_a_post_without_the_honeypot_field_is_a_bot(client, site_pages):
    response = client.post(site_pages.contact.url, MESSAGE)  # a script that skipped the hidden field
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Сообщение не отправлено" in response.content.decode()
    assert not FormSubmission.objects.exists()
    assert mail.outbox == []


LINE_BREAKS = ["\r\n", "\n", "\r", "\u2028", "\u2029", "\x85", "\x0b", "\x0c"]


@pytest.mark.parametrize("separator", LINE_BREAKS)
def test_line_breaks_in_one_line_fields_cannot_forge_lines_of_the_email(client, site_pages, separator):
    forged = f"Иван{separator}Электронная почта: boss@evil.example{separator}Номер участка: 1"
    response = client.post(
        site_pages.contact.url, {**POST, "vashe_imia": forged, "nomer_uchastka": f"269{separator}Сообщение: оплачено"}
    )
    assert response.status_code == HTTPStatus.OK
    assert "Спасибо" in response.content.decode()
    body = mail.outbox[0].body
    lines = body.splitlines()
    assert lines[0] == "Ваше имя: Иван Электронная почта: boss@evil.example Номер участка: 1"
    assert [line.split(":")[0] for line in lines] == ["Ваше имя", "Электронная почта", "Номер участка", "Сообщение"]
    assert "Номер участка: 269 Сообщение: оплачено" in lines
    data = FormSubmission.objects.get().get_data()
    assert data["vashe_imia"] == "Иван Электронная почта: boss@evil.example Номер участка: 1"


def test_lines_of_the_message_stay_but_cannot_pose_as_fields(client, site_pages):
    text = "Добрый день.\nЭлектронная почта: boss@evil.example\u2028Номер участка: 1"
    client.post(site_pages.contact.url, {**POST, "soobshchenie": text})
    lines = mail.outbox[0].body.splitlines()
    assert lines[:3] == ["Ваше имя: Иван Петров", "Электронная почта: ivan@example.org", "Номер участка: 269"]
    assert lines[3:] == ["Сообщение: Добрый день.", "    Электронная почта: boss@evil.example", "    Номер участка: 1"]
    assert FormSubmission.objects.get().get_data()["soobshchenie"] == text.replace("\u2028", "\n")


def test_replying_to_the_boards_email_reaches_the_visitor(client, site_pages):
    client.post(site_pages.contact.url, POST)
    (message,) = mail.outbox
    assert message.reply_to == ["ivan@example.org"]
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert "Reply-To: ivan@example.org" in message.message().as_string()
