"""«Разослать SMS» on the readings import sends the month the file closes, once."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from billing.models import Meter
from members.models import SmsMessage
from tests.factories import MeterFactory, PlotFactory, TariffFactory
from tests.members.sms.helpers import SEED_269, member_with

READINGS = "Участок;Дата;День;Ночь\n269;01.05.2022;9012;2901\n269;01.06.2022;9532;3118\n"


@pytest.fixture
def treasurer_client(client, django_user_model):
    user = django_user_model.objects.create_user("kaznachei", email="k@example.org", is_staff=True)
    user.groups.add(Group.objects.get(name="Казначей"))
    client.force_login(user)
    return client


@pytest.fixture
def plot_269(make_member):
    TariffFactory()
    plot = PlotFactory(number=269)
    MeterFactory(plot=plot, kind=Meter.Kind.TWO_ZONE)
    member_with("269", "89031221105", [plot], make_member)
    return plot


def import_readings(client, notify: bool, captured):
    upload = SimpleUploadedFile("may.csv", READINGS.encode(), content_type="text/csv")
    preview = client.post(reverse("billing_import", args=["readings"]), {"file": upload})
    assert "Разослать SMS" in preview.content.decode()
    data = {"sha256": preview.context["sha256"]}
    if notify:
        data["notify_sms"] = "1"
    with captured(execute=True):
        return client.post(reverse("billing_import_confirm", args=["readings"]), data)


def test_ticked_import_sends_the_closed_month(
    treasurer_client, plot_269, fake_smsru, django_capture_on_commit_callbacks
):
    import_readings(treasurer_client, True, django_capture_on_commit_callbacks)
    assert fake_smsru.sent_texts == [("79031221105", SEED_269)]
    assert SmsMessage.objects.get().period == "2022-05"


def test_unticked_import_sends_nothing(treasurer_client, plot_269, fake_smsru, django_capture_on_commit_callbacks):
    import_readings(treasurer_client, False, django_capture_on_commit_callbacks)
    assert fake_smsru.send_requests == []
    assert SmsMessage.objects.count() == 0
