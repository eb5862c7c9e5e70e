from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from members.models import SmsMessage
from tests.billing.test_permissions import menu_labels
from tests.factories import TariffFactory
from tests.members.sms.helpers import SEED_269, member_with, plot_with_readings


@pytest.fixture
def treasurer(django_user_model):
    user = django_user_model.objects.create_user("kaznachei", email="k@example.org", is_staff=True)
    user.groups.add(Group.objects.get(name="Казначей"))
    return user


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("sekretar", email="s@example.org", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def seed_member(make_member):
    TariffFactory()
    plot = plot_with_readings(269, (9012, 2901), (9532, 3118))
    return member_with("269", "89031221105", [plot], make_member)


def test_treasurer_dry_run_shows_the_seed_message_and_sends_nothing(client, treasurer, seed_member):
    client.force_login(treasurer)
    response = client.get(reverse("members_sms"), {"dry_run": "2022-05"})
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert SEED_269 in html
    assert "Пробный запуск за 2022-05: сообщений 1" in html
    assert 'name="confirm_count" value="1"' in html  # the send button confirms the count shown
    assert "Отправить 1 SMS за 2022-05" in html
    assert SmsMessage.objects.count() == 0


def test_send_now_runs_the_task_and_the_outbox_shows_counts(
    client, treasurer, seed_member, fake_smsru, django_capture_on_commit_callbacks
):
    client.force_login(treasurer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("members_sms"), {"action": "send", "period": "2022-05", "confirm_count": "1"}, follow=True
        )
    assert "поставлена в очередь" in response.content.decode()
    assert fake_smsru.sent_texts == [("79031221105", SEED_269)]
    page = client.get(reverse("members_sms"), {"period": "2022-05", "status": "sent"}).content.decode()
    assert "отправлено (1)" in page
    assert SEED_269 in page


def test_resend_puts_failed_rows_back(client, treasurer, seed_member, fake_smsru, django_capture_on_commit_callbacks):
    fake_smsru.number_codes_once = {"79031221105": 209}
    client.force_login(treasurer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("members_sms"), {"action": "send", "period": "2022-05", "confirm_count": "1"})
    failed = SmsMessage.objects.get()
    assert failed.status == SmsMessage.Status.FAILED
    assert "номер в стоп-листе" in client.get(reverse("members_sms")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("members_sms"), {"action": "resend", "message": [failed.pk]})
    failed.refresh_from_db()
    assert failed.status == SmsMessage.Status.DELIVERED  # sent, then polled back by the same task
    assert len(fake_smsru.sent_texts) == 1


def test_bad_period_is_refused_in_russian(client, treasurer):
    client.force_login(treasurer)
    response = client.post(reverse("members_sms"), {"action": "send", "period": "май"}, follow=True)
    assert "ГГГГ-ММ" in response.content.decode()


def test_editor_and_members_cannot_see_the_outbox(client, editor, seed_member):
    client.force_login(editor)
    assert client.get(reverse("members_sms")).status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.FOUND)
    assert "SMS-рассылка" not in str(menu_labels(editor))
    client.force_login(seed_member)
    response = client.get(reverse("members_sms"))
    assert response.status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.FOUND)
    assert SEED_269 not in response.content.decode()


def test_treasurer_sees_the_menu_item(treasurer):
    assert "SMS-рассылка" in menu_labels(treasurer)["Бухгалтерия"]


def test_the_month_field_defaults_to_the_latest_closed_period(client, treasurer, seed_member):
    client.force_login(treasurer)
    html = client.get(reverse("members_sms")).content.decode()
    assert 'name="dry_run" id="sms-dry-run" value="2022-05"' in html  # readings of 1 June close May
    assert html.count('name="period"') == 0  # no send button before a dry run
    assert html.count("Пробный запуск") >= 1


def test_sending_goes_only_with_the_confirmed_count(
    client, treasurer, seed_member, fake_smsru, django_capture_on_commit_callbacks
):
    client.force_login(treasurer)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for confirmed in ("", "2", "٢", "0", "9" * 5000):
            page = client.post(
                reverse("members_sms"),
                {"action": "send", "period": "2022-05", "confirm_count": confirmed},
                follow=True,
            ).content.decode()
            assert "сейчас к отправке 1 сообщ." in page
    assert callbacks == []
    assert fake_smsru.sent_texts == []
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("members_sms"), {"action": "send", "period": "2022-05", "confirm_count": "1"})
    assert len(fake_smsru.sent_texts) == 1
    html = client.get(reverse("members_sms"), {"dry_run": "2022-05"}).content.decode()
    assert "Все эти сообщения уже в очереди или отправлены" in html
    assert 'name="confirm_count"' not in html
