import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from members.phones import normalize_phone
from members.plotlist import looks_like_plot_number, parse_plot_number, parse_plot_numbers


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1!", "не менее 6 знаков"),
        ("пароль123", "только латинские буквы"),
        ("abc def1", "только латинские буквы"),
        ("93847261", "только из цифр"),
        ("x269abc", "номером участка"),
        ("password", "слишком распространён"),
    ],
)
def test_each_password_rule_has_its_own_message(password, message):
    user = get_user_model()(username="269")
    with pytest.raises(ValidationError) as error:
        validate_password(password, user)
    assert any(message in m for m in error.value.messages), error.value.messages


def test_good_password_passes():
    validate_password("Sad-2024x", get_user_model()(username="269"))


@pytest.mark.parametrize(
    "raw", ["89991234567", "+7 999 123-45-67", "8-999-123-45-67", " 8 999 123 45 67 ", "+7(999)1234567", "79991234567"]
)
def test_phone_is_normalised_to_11_digits_from_8(raw):
    assert normalize_phone(raw) == "89991234567"


@pytest.mark.parametrize(
    "raw", ["8999123456", "899912345678", "+1 999 123 45 67", "phone", "8 999 abc 45 67", "84951234567"]
)
def test_bad_phone_is_rejected_in_russian(raw):
    with pytest.raises(ValidationError) as error:
        normalize_phone(raw)
    assert "89991234567" in error.value.messages[0]


def test_empty_phone_stays_empty():
    assert normalize_phone("  ") == ""


def test_plot_list_forgives_spaces_and_semicolons():
    assert parse_plot_numbers("269, 270;271  272,269") == [269, 270, 271, 272]


def test_plot_list_names_what_is_not_a_number():
    with pytest.raises(ValidationError) as error:
        parse_plot_numbers("269,двести,0")
    assert "«двести»" in error.value.messages[0]
    assert "«0»" in error.value.messages[0]


@pytest.mark.parametrize(
    ("typed", "number"), [("269", 269), (" 0269 ", 269), ("000000000000001", 1), ("999999999", 999999999)]
)
def test_plot_number_is_ascii_digits_without_leading_zeros(typed, number):
    assert parse_plot_number(typed) == number


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("²", "not_ascii_digits"),
        ("\u0662\u0666\u0669", "not_ascii_digits"),
        ("\uff11\uff12\uff13", "not_ascii_digits"),
        ("½", "not_ascii_digits"),
        ("1" * 30, "too_long"),
        ("1000000000", "too_long"),
        ("0", "not_positive"),
        ("-5", "not_a_number"),
        ("2 69", "not_a_number"),
        ("", "required"),
        ("  ", "required"),
    ],
)
def test_plot_number_refuses_everything_else_in_russian(typed, code):
    with pytest.raises(ValidationError) as error:
        parse_plot_number(typed)
    assert error.value.code == code
    assert "участк" in error.value.messages[0]


def test_plot_list_refuses_unicode_digits_and_huge_numbers():
    with pytest.raises(ValidationError) as error:
        parse_plot_numbers("269,²,١٢," + "1" * 30)
    message = error.value.messages[0]
    assert "«²»" in message and "«١٢»" in message and "«11111111111111111111…»" in message


def test_only_digits_make_a_login_a_plot_number():
    assert looks_like_plot_number(" 0269 ")
    assert looks_like_plot_number("٢٦٩")
    assert not looks_like_plot_number("admin")
    assert not looks_like_plot_number("269a")
    assert not looks_like_plot_number("  ")


@pytest.mark.parametrize(
    ("username", "password", "refused"),
    [
        ("2", "Sad-demo-2022", False),  # «2» only inside a longer number
        ("269", "Sad-demo-2022", False),
        ("269", "269abc!", True),
        ("269", "Uch269!", True),
        ("269", "x269abc", True),
        ("269", "Sad-269-Vishnya", False),  # plenty besides the number
        ("12", "a12b!x", True),
        ("269", "a2690b!cd", False),  # 2690 is another number
    ],
)
def test_a_password_may_not_be_built_around_the_plot_number(username, password, refused):
    from members.validators import NotUsernameValidator

    user = get_user_model()(username=username)
    if refused:
        with pytest.raises(ValidationError, match="номером участка"):
            NotUsernameValidator().validate(password, user)
    else:
        NotUsernameValidator().validate(password, user)
