from decimal import Decimal

import pytest

from members.sms.segments import sms_segments
from members.sms.text import monthly_sms_text


def test_seed_message_for_a_two_zone_plot():
    text = monthly_sms_text(
        signature="СНТ Аникино", day=520, night=217, two_zone=True, amount=Decimal("4121.45"), due_day=5
    )
    assert text == "СНТ Аникино: T1 520, T2 217. К оплате 4121.45. Оплатить до 5 числа."
    assert sms_segments(text) == 1


def test_single_zone_meter_sends_the_total():
    text = monthly_sms_text(
        signature="СНТ Аникино", day=520, night=217, two_zone=False, amount=Decimal("4370.41"), due_day=10
    )
    assert text == "СНТ Аникино: T 737. К оплате 4370.41. Оплатить до 10 числа."


def test_several_plots_name_the_plot_and_money_has_two_decimals():
    text = monthly_sms_text(
        signature="СНТ Аникино", day=2, night=0, two_zone=True, amount=Decimal("13.6"), due_day=5, plot_number=270
    )
    assert text == "СНТ Аникино, уч. 270: T1 2, T2 0. К оплате 13.60. Оплатить до 5 числа."


def test_a_plot_number_that_would_make_two_parts_is_said_briefly():
    text = monthly_sms_text(
        signature="СНТ Аникино",
        day=520,
        night=217,
        two_zone=True,
        amount=Decimal("4121.45"),
        due_day=5,
        plot_number=269,
    )
    assert text == "СНТ Аникино, уч. 269: T1 520, T2 217. К оплате 4121.45 до 5 числа."
    assert sms_segments(text) == 1


@pytest.mark.parametrize("estimated", [False, True])
def test_every_instruction_sized_message_of_several_plots_fits_one_part(estimated):
    for number in (1, 269, 1270):
        for amount in ("0.00", "4121.45", "19999.99"):
            text = monthly_sms_text(
                signature="СНТ Аникино",
                day=1520,
                night=1217,
                two_zone=True,
                amount=Decimal(amount),
                due_day=25,
                plot_number=number,
                estimated=estimated,
            )
            assert ("расч." in text) == estimated and sms_segments(text) == 1, text


def test_a_text_that_cannot_fit_keeps_the_full_wording():
    text = monthly_sms_text(
        signature="СНТ «Очень длинное название товарищества»",
        day=520,
        night=217,
        two_zone=True,
        amount=Decimal("4121.45"),
        due_day=5,
        plot_number=269,
    )
    assert (
        text
        == "СНТ «Очень длинное название товарищества», уч. 269: T1 520, T2 217. К оплате 4121.45. Оплатить до 5 числа."
    )
    assert sms_segments(text) == 2


def test_a_period_ending_on_an_estimate_says_so_in_one_part():
    text = monthly_sms_text(
        signature="СНТ Аникино",
        day=520,
        night=217,
        two_zone=True,
        amount=Decimal("4121.45"),
        due_day=5,
        estimated=True,
    )
    assert text == "СНТ Аникино: T1 520, T2 217 (расч.). К оплате 4121.45 до 5 числа."
    assert sms_segments(text) == 1  # the plots' longest numbers with «(расч.)»: the test above
