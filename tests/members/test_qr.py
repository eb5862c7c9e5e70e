from decimal import Decimal

import pytest
from wagtail.models import Site

from members.qr import bank_details, payment_qr_payload, payment_qr_svg
from tests.home.factories import make_home

BANK = {
    "bank_recipient": "СНТ «Аникино»",
    "bank_account": "40703810000000000001",
    "bank_name": "ПАО Сбербанк",
    "bank_bic": "044525225",
    "bank_corr_account": "30101810400000000225",
    "bank_inn": "5012345678",
    "bank_kpp": "501201001",
}


def test_payload_follows_gost_r_56042():
    payload = payment_qr_payload(bank=BANK, plot_number=269, amount=Decimal("7200.00"), purpose="Членские взносы 2022")
    assert payload == (
        "ST00012|Name=СНТ «Аникино»|PersonalAcc=40703810000000000001|BankName=ПАО Сбербанк"
        "|BIC=044525225|CorrespAcc=30101810400000000225|PayeeINN=5012345678|KPP=501201001"
        "|Purpose=Участок 269, Членские взносы 2022|Sum=720000"
    )


def test_sum_is_in_kopecks_rounded_half_up():
    payload = payment_qr_payload(bank=BANK, plot_number=270, amount=Decimal("13.645"), purpose="")
    assert payload.endswith("|Purpose=Участок 270|Sum=1365")


def test_blank_optional_details_are_left_out_and_separators_removed():
    bank = {**BANK, "bank_kpp": "", "bank_inn": "", "bank_recipient": "СНТ | «Аникино»\n"}
    payload = payment_qr_payload(bank=bank, plot_number=5, amount=Decimal("1"), purpose="Взнос|2022")
    fields = payload.split("|")
    assert fields[0] == "ST00012"
    assert fields[1] == "Name=СНТ «Аникино»"
    assert not any(f.startswith(("KPP=", "PayeeINN=")) for f in fields)
    assert fields[-2:] == ["Purpose=Участок 5, Взнос 2022", "Sum=100"]


def test_purpose_is_cut_to_the_standards_210_characters():
    payload = payment_qr_payload(bank=BANK, plot_number=269, amount=Decimal("1"), purpose="Взнос " * 60)
    purpose = next(f for f in payload.split("|") if f.startswith("Purpose="))
    assert len(purpose.removeprefix("Purpose=")) == 210
    assert purpose.startswith("Purpose=Участок 269, Взнос Взнос")


def test_svg_is_inline_and_titled():
    svg = payment_qr_svg(payment_qr_payload(bank=BANK, plot_number=269, amount=Decimal("7200"), purpose=""))
    assert svg.startswith("<svg")
    assert "<?xml" not in svg
    assert "<title>QR-код для оплаты</title>" in svg
    assert 'viewBox="' in svg and "<path" in svg


def test_svg_grows_with_the_payload():
    """A longer payload needs a larger QR version: the code really carries the text."""
    short = payment_qr_svg("ST00012|Name=А")
    long = payment_qr_svg(payment_qr_payload(bank=BANK, plot_number=269, amount=Decimal("7200"), purpose="x" * 80))
    size = lambda svg: int(svg.split('viewBox="0 0 ')[1].split()[0])  # noqa: E731
    assert size(long) > size(short)


@pytest.mark.django_db
def test_bank_details_come_from_the_site_settings():
    from home.models import SiteSettings

    make_home()
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    assert bank_details() is None  # nothing filled in: no QR code
    for field, value in BANK.items():
        setattr(site_settings, field, value)
    site_settings.save()
    assert bank_details() == BANK
    site_settings.bank_bic = ""
    site_settings.save()
    assert bank_details() is None  # a mandatory detail is missing
