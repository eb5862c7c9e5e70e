from http import HTTPStatus

import pytest
from bs4 import BeautifulSoup

from members.models import PlotClaim, Profile

pytestmark = pytest.mark.django_db


def edit_data(**overrides):
    data = {"plots": "269", "owner_name": "Иванов Иван Иванович", "contact_persons": "Иванова Мария", "phone": ""}
    data.update(overrides)
    return data


def test_cabinet_needs_login(client):
    response = client.get("/cabinet/")
    assert response["Location"] == "/accounts/login/?next=/cabinet/"
    assert client.get("/cabinet/edit/")["Location"] == "/accounts/login/?next=/cabinet/edit/"


def test_empty_profile_asks_for_plot_numbers(member_client):
    html = member_client.get("/cabinet/").content.decode()
    assert "Укажите номера ваших участков" in html
    assert 'href="/cabinet/edit/"' in html


def test_profile_shows_everything_the_member_entered(member_client, member, plot_269, plot_270):
    member_client.post(
        "/cabinet/edit/",
        edit_data(plots="269,270", phone="+7 903 122-11-05", sms_consent="yes", contact_persons="Иванова Мария"),
    )
    html = member_client.get("/cabinet/").content.decode()
    for text in [
        "269",
        "member269@example.org",
        "Иванов Иван Иванович",
        "Иванова Мария",
        "89031221105",
        "подтверждён",
        "ожидает подтверждения казначеем",
    ]:
        assert text in html
    assert "Согласие на SMS</dt><dd>да" in html


def test_edit_form_has_the_instruction_labels(member_client):
    html = member_client.get("/cabinet/edit/").content.decode()
    for text in ["Номера ваших участков", "Мобильный телефон", "89991234567", "Сохранить", "Отмена", "ФИО владельца"]:
        assert text in html


def test_edit_forgives_spaces_and_semicolons(member_client, member, plot_269, plot_270):
    response = member_client.post("/cabinet/edit/", edit_data(plots=" 270 ; 269, "))
    assert response["Location"] == "/cabinet/"
    assert set(PlotClaim.objects.filter(user=member).values_list("plot__number", flat=True)) == {269, 270}
    assert member_client.get("/cabinet/edit/").context["form"].initial["plots"] == "269,270"


def test_edit_names_unknown_plot_numbers(member_client, member, plot_269):
    response = member_client.post("/cabinet/edit/", edit_data(plots="269,777,888"))
    assert response.status_code == HTTPStatus.OK
    assert "Участков 777, 888 нет в реестре" in response.content.decode()
    assert not PlotClaim.objects.exists()


def test_edit_rejects_words_in_the_plot_list(member_client, plot_269):
    response = member_client.post("/cabinet/edit/", edit_data(plots="269,мой"))
    assert "«мой»" in response.content.decode()
    assert not PlotClaim.objects.exists()


def test_edit_stores_the_phone_normalised(member_client, member, plot_269):
    member_client.post("/cabinet/edit/", edit_data(phone="8-999-123-45-67", sms_consent="yes"))
    profile = Profile.objects.get(user=member)
    assert (profile.phone, profile.sms_consent) == ("89991234567", True)


def test_edit_rejects_a_bad_phone(member_client, member, plot_269):
    response = member_client.post("/cabinet/edit/", edit_data(phone="12345"))
    assert response.status_code == HTTPStatus.OK
    assert "Введите мобильный телефон в формате 89991234567" in response.content.decode()
    assert not Profile.objects.exists()


def test_sms_consent_needs_a_phone(member_client, plot_269):
    response = member_client.post("/cabinet/edit/", edit_data(sms_consent="yes"))
    assert "Чтобы получать SMS, укажите мобильный телефон" in response.content.decode()


def test_removing_a_plot_from_the_list_withdraws_its_claim(member_client, member, plot_269, plot_270):
    member_client.post("/cabinet/edit/", edit_data(plots="269,270"))
    member_client.post("/cabinet/edit/", edit_data(plots="270"))
    assert list(PlotClaim.objects.filter(user=member).values_list("plot__number", flat=True)) == [270]


def test_pending_claim_is_explained(member_client, plot_270):
    response = member_client.post("/cabinet/edit/", edit_data(plots="270"), follow=True)
    assert (
        "Участок 270 ожидает подтверждения казначеем; до тех пор данных по нему не видно." in response.content.decode()
    )


def test_a_typed_phone_asks_whether_to_send_sms(member_client, plot_269):
    response = member_client.post("/cabinet/edit/", edit_data(phone="89031221105"))
    assert response.status_code == 200  # the form again: nobody gets nothing silently
    assert "Ответьте, присылать ли SMS на этот номер." in response.content.decode()
    assert not Profile.objects.filter(phone="89031221105").exists()


def test_the_profile_says_whether_sms_will_come(member_client, member, plot_269):
    member_client.post("/cabinet/edit/", edit_data(phone="89031221105", sms_consent="no"))
    assert Profile.objects.get(user=member).sms_consent is False
    html = member_client.get("/cabinet/").content.decode()
    assert "не будут приходить: вы не дали согласия" in html
    member_client.post("/cabinet/edit/", edit_data(phone="89031221105", sms_consent="yes"))
    html = member_client.get("/cabinet/").content.decode()
    assert "будут приходить на 89031221105" in html
    form = BeautifulSoup(member_client.get("/cabinet/edit/").content, "html.parser")
    assert form.select_one("input[name=sms_consent][value=yes]").has_attr("checked")
    member_client.post("/cabinet/edit/", edit_data(phone=""))
    assert "не будут приходить: не указан мобильный телефон" in member_client.get("/cabinet/").content.decode()
