"""Bank details are checked as a bank app checks them: a wrong digit is caught before the QR code."""

from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from demo.home import SETTINGS
from home.requisites import (
    bank_details_errors,
    bic_error,
    corr_account_error,
    inn_error,
    kpp_error,
    settlement_account_error,
)

SBER_BIC = "044525225"


@pytest.mark.parametrize("inn", ["7707083893", "5040012347", "500100732259"])
def test_real_inns_pass(inn):
    assert inn_error(inn) is None


@pytest.mark.parametrize("inn", ["7707083894", "5040012345", "500100732258", "500100732269", "77070838", "٧٧٠٧٠٨٣٨٩٣"])
def test_wrong_inns_are_refused(inn):
    assert inn_error(inn)


def test_sberbank_accounts_pass_the_control_key():
    assert bic_error(SBER_BIC) is None
    assert corr_account_error("30101810400000000225", SBER_BIC) is None
    assert settlement_account_error("40703810500000012345", SBER_BIC) is None


def test_one_wrong_digit_fails_the_control_key():
    assert "контрольному ключу" in settlement_account_error("40703810400000012345", SBER_BIC)
    assert "контрольному ключу" in corr_account_error("30101810500000000225", SBER_BIC)
    assert "30101" in corr_account_error("40101810400000000225", SBER_BIC)


@pytest.mark.parametrize(
    ("kpp", "ok"), [("504001001", True), ("7736AB001", True), ("50400100", False), ("5040ab001", False)]
)
def test_kpp_shape(kpp, ok):
    assert (kpp_error(kpp) is None) is ok


def test_bic_of_a_russian_bank():
    assert bic_error("144525225") == "БИК российского банка начинается с 04."
    assert bic_error("04452522") == "БИК — это 9 цифр."


def test_demo_details_are_valid():
    assert (
        bank_details_errors(
            account=SETTINGS["bank_account"],
            bic=SETTINGS["bank_bic"],
            corr_account=SETTINGS["bank_corr_account"],
            inn=SETTINGS["bank_inn"],
            kpp=SETTINGS["bank_kpp"],
        )
        == {}
    )


@pytest.mark.django_db
def test_site_settings_refuse_wrong_details_field_by_field(site_pages):
    settings = site_pages.settings
    settings.bank_bic = SBER_BIC
    settings.bank_account = "40703810400000012345"
    settings.bank_corr_account = "30101810400000000225"
    settings.bank_inn = "5040012345"
    settings.bank_kpp = "504001001"
    with pytest.raises(ValidationError) as raised:
        settings.full_clean()
    assert set(raised.value.message_dict) == {"bank_account", "bank_inn"}


@pytest.mark.django_db
def test_admin_shows_a_message_per_wrong_field(client, django_user_model, site_pages):
    client.force_login(django_user_model.objects.create_superuser(username="admin", password="x", email="a@b.c"))
    url = reverse("wagtailsettings:edit", args=["home", "sitesettings", site_pages.settings.site_id])
    data = {
        "full_name": "СНТ «Тестовое»",
        "short_name": "СНТ Тестовое",
        "bank_bic": SBER_BIC,
        "bank_account": "40703810400000012345",
        "bank_corr_account": "30101810400000000225",
        "bank_inn": "5040012345",
        "bank_kpp": "504001001",
    }
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.OK  # the form again, with the errors
    html = response.content.decode()
    assert "не сходится с БИК по контрольному ключу ЦБ РФ" in html
    assert "ИНН с ошибкой" in html
    site_pages.settings.refresh_from_db()
    assert site_pages.settings.bank_account != "40703810400000012345"

    response = client.post(url, {**data, "bank_account": "40703810500000012345", "bank_inn": "5040012347"})
    assert response.status_code == HTTPStatus.FOUND
    site_pages.settings.refresh_from_db()
    assert site_pages.settings.bank_inn == "5040012347"


@pytest.mark.django_db
def test_a_kpp_with_letters_is_accepted(site_pages):
    settings = site_pages.settings
    settings.bank_kpp = "7736AB001"
    settings.full_clean()
    settings.bank_kpp = "7736ab001"
    with pytest.raises(ValidationError) as raised:
        settings.full_clean()
    assert set(raised.value.message_dict) == {"bank_kpp"}
