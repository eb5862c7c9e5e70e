"""«Приём показаний» settings: the window's days and the SMS text in one part."""

import pytest
from django.core.exceptions import ValidationError

from members.models import ReadingSettings
from members.sms.segments import sms_segments

pytestmark = pytest.mark.django_db


def test_reading_the_settings_writes_nothing():
    settings = ReadingSettings.current()
    assert (settings.pk, settings.window_start_day, settings.window_end_day) == (None, 20, 25)
    assert not ReadingSettings.objects.exists()


def test_the_default_sms_fits_one_part():
    text = ReadingSettings().render_sms("СНТ Аникино")
    assert text == "СНТ Аникино: с 20 по 25 число передайте показания счётчика на сайте."
    assert sms_segments(text) == 1
    ReadingSettings().full_clean()


def test_a_text_over_one_part_is_refused():
    settings = ReadingSettings(sms_text="{name}: " + "передайте показания счётчика, пожалуйста, " * 2)
    with pytest.raises(ValidationError) as refused:
        settings.full_clean()
    assert "сократите его до одного SMS" in refused.value.message_dict["sms_text"][0]


def test_an_unknown_placeholder_is_refused():
    with pytest.raises(ValidationError) as refused:
        ReadingSettings(sms_text="{name}: {amount}").full_clean()
    assert refused.value.message_dict["sms_text"] == ["Неизвестная подстановка: можно только {name}, {start} и {end}."]


@pytest.mark.parametrize(("start", "end", "field"), [(25, 20, "window_end_day"), (0, 5, "window_start_day")])
def test_the_days_must_make_a_window(start, end, field):
    with pytest.raises(ValidationError) as refused:
        ReadingSettings(window_start_day=start, window_end_day=end).full_clean()
    assert field in refused.value.message_dict


def test_the_settings_are_in_the_wagtail_settings_menu(admin_client):
    response = admin_client.get("/admin/settings/members/readingsettings/")
    assert response.status_code in (200, 302)
    response = admin_client.get(response.get("Location", "/admin/settings/members/readingsettings/"), follow=True)
    assert "Приём показаний от садоводов" in response.content.decode()
