"""152-ФЗ: the consent page, «скачать мои данные» and «удалить учётную запись»."""

import json
from decimal import Decimal
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from billing.models import Charge, Payment, Reading
from members.models import PlotClaim, Profile, SmsMessage
from members.services.privacy import member_data_erase, member_data_export
from tests.factories import PASSWORD, PlotClaimFactory, PlotFactory, ProfileFactory

pytestmark = pytest.mark.django_db

EXPORT_URL = "/cabinet/privacy/export.json"
DELETE_URL = "/cabinet/privacy/delete/"


@pytest.fixture
def sms_269(member_with_plot):
    plot = PlotClaim.objects.get(user=member_with_plot).plot
    return SmsMessage.objects.create(
        user=member_with_plot, plot=plot, period="2022-05", phone="89031221105", text="СНТ Аникино: T1 520, T2 217."
    )


def test_consent_page_of_the_demo_is_public_and_linked_from_the_privacy_page(client, make_member):
    call_command("load_demo", verbosity=0)
    consent = client.get("/soglasie/")
    assert consent.status_code == HTTPStatus.OK
    assert "персональных данных" in consent.content.decode().lower()
    client.force_login(make_member(username="301", email="m301@example.org"))
    page = client.get(reverse("cabinet:privacy")).content.decode()
    assert 'href="/soglasie/"' in page
    assert f'href="{EXPORT_URL}"' in page
    assert f'href="{DELETE_URL}"' in page


def test_profile_page_links_to_the_privacy_page(client, member_with_plot):
    client.force_login(member_with_plot)
    assert 'href="/cabinet/privacy/"' in client.get("/cabinet/").content.decode()


def test_export_is_a_json_attachment_with_everything_about_the_member(client, member_with_plot, sms_269):
    client.force_login(member_with_plot)
    response = client.get(EXPORT_URL)
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["account"]["username"] == "269"
    assert data["email_addresses"] == [{"email": "member269@example.org", "verified": True, "primary": True}]
    assert data["profile"]["owner_name"] == "Иванов Иван Иванович"
    assert data["profile"]["phone"] == "89031221105"
    assert data["profile"]["contact_persons"] == "Иванова Мария, 89160000001"
    assert [(c["plot"], c["status"]) for c in data["plot_claims"]] == [(269, "confirmed")]
    assert [(m["plot"], m["phone"], m["text"]) for m in data["sms_messages"]] == [(269, "89031221105", sms_269.text)]
    [plot] = data["plots"]
    assert plot["number"] == 269
    assert [(c["article"], Decimal(c["amount"])) for c in plot["charges"]] == [
        ("Членские взносы 2022", Decimal("7200.00"))
    ]
    assert [Decimal(p["amount"]) for p in plot["payments"]] == [Decimal("1234.56")]
    [meter] = plot["meters"]
    assert meter["serial"] == "SN-269"
    assert [(r["taken_on"], r["day"], r["night"]) for r in meter["readings"]] == [
        ("2022-05-01", 9012, 2901),
        ("2022-06-01", 9532, 3118),
    ]


def test_export_leaves_out_pending_plots_and_other_members(member_with_plot, make_member):
    pending = PlotFactory(number=500)
    PlotClaimFactory(user=member_with_plot, plot=pending, status=PlotClaim.Status.PENDING)
    other = make_member(username="270", email="other@example.org")
    ProfileFactory(user=other, owner_name="Петров Пётр", phone="89995554433")
    data = member_data_export(user=member_with_plot)
    assert [p["number"] for p in data["plots"]] == [269]
    assert {c["plot"] for c in data["plot_claims"]} == {269, 500}
    dumped = json.dumps(data, default=str, ensure_ascii=False)
    assert "Петров" not in dumped
    assert "89995554433" not in dumped
    assert "other@example.org" not in dumped


def test_export_needs_a_logged_in_member(client):
    response = client.get(EXPORT_URL)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))


def test_delete_asks_for_the_password_and_a_wrong_one_changes_nothing(client, member_with_plot):
    client.force_login(member_with_plot)
    form = client.get(DELETE_URL)
    assert form.status_code == HTTPStatus.OK
    assert 'type="password"' in form.content.decode()
    response = client.post(DELETE_URL, {"password": "wrong-password1"})
    assert response.status_code == HTTPStatus.OK
    assert "Неверный пароль" in response.content.decode()
    member_with_plot.refresh_from_db()
    assert member_with_plot.is_active
    assert Profile.objects.get(user=member_with_plot).phone == "89031221105"


def test_delete_anonymises_the_member_and_keeps_the_plot_ledger(client, member_with_plot, sms_269):
    plot = PlotClaim.objects.get(user=member_with_plot).plot
    ledger_before = (
        Charge.objects.filter(plot=plot).count(),
        Payment.objects.filter(plot=plot).count(),
        Reading.objects.filter(meter__plot=plot).count(),
    )
    client.force_login(member_with_plot)
    response = client.post(DELETE_URL, {"password": PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/"

    member_with_plot.refresh_from_db()
    assert not member_with_plot.is_active
    assert not member_with_plot.has_usable_password()
    assert member_with_plot.username != "269"
    assert "member269" not in member_with_plot.email
    profile = Profile.objects.get(user=member_with_plot)
    assert (profile.owner_name, profile.contact_persons, profile.phone, profile.sms_consent) == ("", "", "", False)
    assert not EmailAddress.objects.filter(user=member_with_plot).exists()
    assert not EmailAddress.objects.filter(email__iexact="member269@example.org").exists()
    assert not PlotClaim.objects.filter(user=member_with_plot).exists()
    assert not SmsMessage.objects.filter(user=member_with_plot).exists()
    assert ledger_before == (1, 1, 2)
    assert (
        Charge.objects.filter(plot=plot).count(),
        Payment.objects.filter(plot=plot).count(),
        Reading.objects.filter(meter__plot=plot).count(),
    ) == ledger_before

    # this session ended, and the cabinet is closed
    assert client.get("/cabinet/")["Location"].startswith(reverse("account_login"))


def test_deleted_member_can_no_longer_log_in(client, member_with_plot):
    client.post(reverse("account_login"), {"login": "269", "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(member_with_plot.pk)  # the same login works before
    client.logout()
    member_data_erase(user=member_with_plot)
    for login in ("269", member_with_plot.username):
        response = client.post(reverse("account_login"), {"login": login, "password": PASSWORD})
        assert "_auth_user_id" not in client.session
        assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND)
        if response.status_code == HTTPStatus.FOUND:
            assert not response["Location"].startswith("/cabinet/")


def test_erasure_ends_the_members_other_sessions(member_with_plot):
    other_browser = Client()
    other_browser.force_login(member_with_plot)
    assert other_browser.get("/cabinet/").status_code == HTTPStatus.OK
    member_data_erase(user=member_with_plot)
    response = other_browser.get("/cabinet/")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))


def test_plot_number_is_free_for_a_new_signup_after_erasure(client, member_with_plot):
    member_data_erase(user=member_with_plot)
    response = client.post(
        reverse("account_signup"),
        {
            "username": "269",
            "email": "member269@example.org",
            "password1": "New-owner-77",
            "password2": "New-owner-77",
            "consent": "on",
        },
    )
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    assert EmailAddress.objects.filter(email="member269@example.org", user__username="269").exists()


def test_staff_account_is_not_erased_from_the_cabinet(client, make_member):
    staff = make_member(username="secretary", email="secretary@example.org")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    response = client.post(DELETE_URL, {"password": PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    staff.refresh_from_db()
    assert staff.is_active


def test_export_runs_a_fixed_number_of_queries(member_with_plot, django_assert_max_num_queries):
    for number in range(801, 807):
        PlotClaimFactory(user=member_with_plot, plot__number=number, status="confirmed")
    with django_assert_max_num_queries(14):  # + reading submissions, debt reminders, registry entry
        data = member_data_export(user=member_with_plot)
    assert [p["number"] for p in data["plots"]] == [269, *range(801, 807)]
