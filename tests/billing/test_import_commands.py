"""manage.py import_*: a Russian summary, every error on failure, --dry-run and --as-of."""

import datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from billing.models import ImportBatch, Plot, Reading
from tests.factories import MeterFactory, PlotFactory

FILES = Path(__file__).resolve().parents[1] / "files"

pytestmark = pytest.mark.django_db


def _run(command: str, *args) -> str:
    from io import StringIO

    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def meters():
    for number in (269, 270, 271):
        MeterFactory(plot=PlotFactory(number=number), kind="single" if number == 271 else "two_zone")


def test_import_readings_prints_a_summary(meters):
    output = _run("import_readings", str(FILES / "readings.csv"))

    assert "Загружен «readings.csv»: новых: 7, изменённых: 0, без изменений: 0. Данные на 01.06.2022." in output
    assert Reading.objects.count() == 7


def test_dry_run_writes_nothing(meters):
    output = _run("import_readings", str(FILES / "readings.xlsx"), "--dry-run")

    assert output.startswith("Проверка «readings.xlsx» без записи: новых: 7, изменённых: 0, без изменений: 0.")
    assert not Reading.objects.exists()
    assert not ImportBatch.objects.exists()


def test_second_run_reports_the_earlier_upload(meters):
    _run("import_readings", str(FILES / "readings.csv"))

    output = _run("import_readings", str(FILES / "readings.csv"))

    assert output.startswith("Этот файл уже загружен ")
    assert ImportBatch.objects.count() == 1


def test_errors_are_all_printed_and_the_command_fails(meters):
    with pytest.raises(CommandError) as failure:
        _run("import_readings", str(FILES / "readings_duplicate.csv"))

    message = str(failure.value)
    assert message.splitlines() == [
        "Файл «readings_duplicate.csv» не загружен, ничего не изменено. Ошибок: 1.",
        "  Строка 4, «Дата»: повтор: показание счётчика участка 269 на 01.05.2022 уже есть в строке 2.",
    ]
    assert not Reading.objects.exists()


def test_missing_file():
    with pytest.raises(CommandError, match="Не удалось прочитать файл"):
        _run("import_plots", "/nonexistent/plots.csv")


def test_import_plots(db):
    output = _run("import_plots", str(FILES / "plots.csv"))

    assert "новых: 3" in output
    assert Plot.objects.count() == 3


def test_import_charges_with_as_of():
    PlotFactory(number=269)
    PlotFactory(number=270)

    output = _run("import_charges", str(FILES / "charges.csv"), "--as-of", "26.04.2022")

    assert "Будет создана новая статья «Членские взносы 2022» (вид: членские взносы)." in output
    assert "Данные на 26.04.2022." in output
    assert ImportBatch.objects.get().as_of == datetime.date(2022, 4, 26)


def test_import_payments_records_the_user(django_user_model):
    PlotFactory(number=269)
    PlotFactory(number=270)
    treasurer = django_user_model.objects.create_user(username="treasurer", password="x")

    _run("import_payments", str(FILES / "payments.csv"), "--user", "treasurer")

    assert ImportBatch.objects.get().uploaded_by == treasurer


def test_bad_as_of_date():
    with pytest.raises(CommandError, match="Непонятная дата «31.02.2022»"):
        _run("import_payments", str(FILES / "payments.csv"), "--as-of", "31.02.2022")


def test_command_refuses_an_oversize_file_before_reading_it(meters, tmp_path):
    path = tmp_path / "readings.csv"
    with path.open("wb") as file:
        file.truncate(11 * 1024 * 1024)  # sparse: the command must look at the size, not the bytes

    with pytest.raises(CommandError, match="слишком большой"):
        _run("import_readings", str(path))
    assert not ImportBatch.objects.exists()


def test_command_has_the_same_protections_as_the_admin(meters, tmp_path, settings):
    settings.IMPORT_MAX_ERRORS = 3
    path = tmp_path / "readings.csv"
    path.write_bytes("Участок;Дата;День;Ночь\n".encode() + b"x;y;1e5;\xd9\xa2\n" * 10)

    with pytest.raises(CommandError) as raised:
        _run("import_readings", str(path))

    lines = str(raised.value).splitlines()
    assert lines[0] == "Файл «readings.csv» не загружен, ничего не изменено. Ошибок: 40."
    assert lines[1:] == [
        "  Строка 2, «Участок»: не число (x).",
        "  Строка 2, «Дата»: непонятная дата (y); нужен формат ДД.ММ.ГГГГ.",
        "  Строка 2, «День»: не число (1e5).",
        "  …и ещё 37 ошибок.",
    ]
    assert not Reading.objects.exists()
