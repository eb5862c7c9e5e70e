"""Plot numbers typed by anyone: digits of other scripts, superscripts, full-width digits, numbers
longer than any database integer. Every form answers with a Russian message or does the right
thing, never a 500 (the test client re-raises any exception a view lets through)."""

from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model

from members.models import PlotClaim
from tests.factories import PASSWORD, PlotFactory

pytestmark = pytest.mark.django_db

NOT_ASCII = "обычными цифрами 0–9"
TOO_LONG = "не больше 9 цифр"
REQUIRED = "Введите номер участка."

HOSTILE = [
    pytest.param("²", NOT_ASCII, id="superscript-two"),
    pytest.param("\u0662\u0666\u0669", NOT_ASCII, id="arabic-indic-269"),
    pytest.param("\uff11\uff12\uff13", NOT_ASCII, id="fullwidth-123"),
    pytest.param("1" * 30, TOO_LONG, id="30-digits"),
    pytest.param("9999999999", TOO_LONG, id="10-digits-past-int32"),
    pytest.param("", REQUIRED, id="empty"),
    pytest.param("   ", REQUIRED, id="spaces"),
]


@pytest.fixture
def plot_269(db):
    return PlotFactory(number=269, owner_email="", owner_phone="")


@pytest.mark.parametrize(("typed", "message"), HOSTILE)
def test_login_form(client, make_member, plot_269, typed, message):
    make_member()
    response = client.post("/accounts/login/", {"login": typed, "password": PASSWORD})
    assert response.status_code == HTTPStatus.OK
    assert message in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_form_drops_leading_zeros(client, make_member, plot_269):
    make_member()
    response = client.post("/accounts/login/", {"login": " 0269 ", "password": PASSWORD})
    assert response["Location"] == "/cabinet/"


def signup(client, username):
    data = {"username": username, "email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD}
    return client.post("/accounts/signup/", {**data, "consent": "on"})


@pytest.mark.parametrize(("typed", "message"), HOSTILE)
def test_signup_form(client, plot_269, typed, message):
    response = signup(client, typed)
    assert response.status_code == HTTPStatus.OK
    assert message in response.content.decode()
    assert not get_user_model().objects.exists()


def test_signup_form_drops_leading_zeros(client, plot_269):
    assert signup(client, "0269")["Location"] == "/accounts/confirm-email/"
    assert list(get_user_model().objects.values_list("username", flat=True)) == ["269"]


@pytest.mark.parametrize(("typed", "message"), HOSTILE[:5])
def test_plot_list_of_the_profile(client, make_member, plot_269, typed, message):
    client.force_login(make_member())
    data = {"plots": f"269,{typed}", "owner_name": "", "contact_persons": "", "phone": ""}
    response = client.post("/cabinet/edit/", data)
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "не понятно" in page
    assert f"«{typed[:20]}" in page
    assert not PlotClaim.objects.exists()


@pytest.mark.parametrize("typed", ["", "   ", " 0269 ;", "0269, 269"])
def test_plot_list_forgives_spaces_and_leading_zeros(client, make_member, plot_269, typed):
    client.force_login(make_member())
    data = {"plots": typed, "owner_name": "", "contact_persons": "", "phone": ""}
    assert client.post("/cabinet/edit/", data)["Location"] == "/cabinet/"
    expected = [269] if typed.strip() else []
    assert list(PlotClaim.objects.values_list("plot__number", flat=True)) == expected


@pytest.mark.parametrize("typed", ["²", "\u0662\u0666\u0669", "1" * 30, "269", "", "²@example.org"])
def test_password_reset_form_takes_an_email_not_a_plot_number(client, make_member, plot_269, typed):
    make_member()
    response = client.post("/accounts/password/reset/", {"email": typed})
    if response.status_code == HTTPStatus.OK:
        assert "адрес электронной почты" in response.content.decode().lower()
    else:
        assert response["Location"] == "/accounts/password/reset/done/"
