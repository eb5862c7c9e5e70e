"""The line balance's monthly sums are data every write keeps in its own transaction (billing.line_sums):
after any mix of writes they equal a rebuild from scratch, the page never sums on read, and a bulk
write sums the months it touched in one pass."""

import datetime
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import pre_delete
from django.test.utils import CaptureQueriesContext

from billing.line_balance import line_balance
from billing.line_sums import rebuild
from billing.models import LineBalanceMonth, MainMeter, Meter, Plot, Reading
from billing.services.estimates import estimate_readings
from billing.services.imports import Kind, run_import
from billing.services.meters import Replacement, replace_meter
from members.readings.models import ReadingSubmission
from members.readings.services import accept_submissions
from tests.billing.test_line_balance import world  # noqa: F401 - the fixture
from tests.factories import MeterFactory, PlotFactory, ReadingFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def _stored() -> dict:
    """(feeder, month) → the stored sums, rows of the same key added, noughts left out."""
    sums: dict = {}
    for feeder, month, *values in LineBalanceMonth.objects.values_list(
        "feeder_id", "month", "kwh", "plots", "estimated", "missing"
    ):
        old = sums.get((feeder, month), (0, 0, 0, 0))
        sums[feeder, month] = tuple(a + b for a, b in zip(old, values, strict=True))
    return {key: value for key, value in sums.items() if any(value)}


def _assert_as_rebuilt() -> dict:
    maintained = _stored()
    rebuild()
    assert maintained == _stored()
    return maintained


def _import_csv(text):
    report = run_import(kind=Kind.READINGS, file_name="readings.csv", content=text.encode(), commit=True)
    assert not report.errors, report.errors
    return report


def _april(feeder=None):
    return _stored().get((feeder, D(2026, 4, 1)))


def test_a_mixed_sequence_of_writes_keeps_the_sums_equal_to_a_rebuild(world, treasurer):  # noqa: F811 - the fixture
    feeder = world["feeder"]
    assert _april() == (500 + 250, 2, 0, 0) and _april(feeder.pk) == (200, 1, 0, 0)
    _assert_as_rebuilt()

    _import_csv("Участок,Дата,День,Ночь\n1,01.05.2026,1410,600\n2,01.06.2026,500,150\n3,01.07.2026,600,0\n")
    assert _april() == (510 + 250, 2, 0, 0)
    _assert_as_rebuilt()

    reading = Reading.objects.get(meter=world["two"], taken_on=D(2026, 5, 1))
    reading.day = 320  # typed in the admin
    reading.save()
    assert _april() == (510 + 270, 2, 0, 0)
    _assert_as_rebuilt()

    reading.taken_on = D(2026, 5, 3)  # its date corrected: April has no end for plot 2 now
    reading.save()
    assert _april() == (510 + 270, 2, 0, 0)  # April ends on its last reading (3 May is May's)
    _assert_as_rebuilt()

    Reading.objects.get(meter=world["one"], taken_on=D(2026, 6, 1)).delete()
    _assert_as_rebuilt()

    assert estimate_readings(start=D(2026, 5, 1)).estimates  # plot 1 has no reading on 1 June now
    assert _stored()[None, D(2026, 5, 1)][2] == 1  # one plot's May ends on an estimate
    _assert_as_rebuilt()

    replacement = Replacement(world["three"].pk, D(2026, 7, 15), 650, 0, "NEW3", "single", 7, 0)
    replace_meter(replacement, today=D(2026, 12, 1))
    _assert_as_rebuilt()

    submission = ReadingSubmission.objects.create(
        meter=world["two"], period="2026-07", taken_on=D(2026, 8, 1), day=700, night=200
    )
    assert accept_submissions(ids=[submission.pk], user=treasurer).accepted
    _assert_as_rebuilt()


def test_moving_and_deleting_plots_meters_and_feeders_keeps_the_sums(world):  # noqa: F811 - the fixture
    feeder = world["feeder"]
    plot = Plot.objects.get(number=3)
    plot.main_meter = None  # moved off the feeder in the admin
    plot.save()
    assert _april(feeder.pk) is None and _april() == (500 + 250 + 200, 3, 0, 0)
    _assert_as_rebuilt()

    plot.main_meter = feeder
    plot.save()
    other = PlotFactory(number=4)
    meter = Meter.objects.get(pk=world["one"].pk)
    meter.plot = other  # a meter assigned to the wrong plot, corrected
    meter.save()
    _assert_as_rebuilt()

    Plot.objects.get(number=2).delete()  # its meter and readings go with it
    assert _april() == (500, 1, 0, 0)
    _assert_as_rebuilt()

    MainMeter.objects.get(pk=feeder.pk).delete()  # its plots are left on no feeder
    assert _april(feeder.pk) is None and _april() == (500 + 200, 2, 0, 0)
    _assert_as_rebuilt()

    Reading.objects.filter(taken_on=D(2026, 5, 1)).delete()  # several at once: summed again in one pass
    _assert_as_rebuilt()
    Plot.objects.filter(number=4).delete()  # a queryset of plots, with their meters and readings
    _assert_as_rebuilt()
    Meter.objects.get(pk=world["three"].pk).delete()
    assert _assert_as_rebuilt() == {}


def test_a_write_rolled_back_changes_no_sum(world):  # noqa: F811 - the fixture
    before = _stored()
    with pytest.raises(RuntimeError), transaction.atomic():
        ReadingFactory(meter=world["two"], taken_on=D(2026, 6, 1), day=400, night=120)
        assert _stored() != before  # in the writing transaction
        raise RuntimeError
    assert _stored() == before
    # a save refused by the database (the same meter and date twice) leaves nothing half-done either
    with pytest.raises(IntegrityError), transaction.atomic():
        Reading.objects.create(meter=world["one"], taken_on=D(2026, 5, 1), day=1, night=1)
    assert _stored() == before
    ReadingFactory(meter=world["two"], taken_on=D(2026, 6, 1), day=400, night=120)
    _assert_as_rebuilt()


def test_a_delete_that_failed_and_is_tried_again_keeps_the_sums(world):  # noqa: F811 - the fixture
    def refuse(sender, **kwargs):
        raise RuntimeError

    reading = Reading.objects.get(meter=world["one"], taken_on=D(2026, 6, 1))
    pre_delete.connect(refuse, sender=Reading, dispatch_uid="test.refuse")
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            reading.delete()  # after the sums' own pre_delete: a write left between its signals
    finally:
        pre_delete.disconnect(sender=Reading, dispatch_uid="test.refuse")
    reading.delete()
    assert _stored()[None, D(2026, 5, 1)] == (0, 0, 0, 2)  # plots 1 and 2 end May without a reading
    _assert_as_rebuilt()


def _at_once(*writes) -> None:
    """Each write on its own connection, all let go at the same moment."""
    barrier, errors = threading.Barrier(len(writes)), []

    def run(write):
        try:
            barrier.wait()
            write()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(write,)) for write in writes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors


@pytest.mark.django_db(transaction=True)
def test_writes_at_once_keep_the_sums(world):  # noqa: F811 - the fixture
    def edit():
        reading = Reading.objects.get(meter=world["one"], taken_on=D(2026, 5, 1))
        reading.day += 5
        reading.save()

    def move():
        plot = Plot.objects.get(number=3)
        plot.main_meter = None
        plot.save()

    _at_once(
        lambda: Reading.objects.create(meter=world["two"], taken_on=D(2026, 6, 1), day=400, night=120),
        lambda: _import_csv("Участок,Дата,День,Ночь\n1,01.07.2026,2000,800\n3,01.07.2026,600,0\n"),
        edit,
        move,
    )
    assert Reading.objects.count() == 12
    _assert_as_rebuilt()


def test_the_page_never_sums_after_a_write(world, django_assert_num_queries):  # noqa: F811 - the fixture
    line_balance()
    ReadingFactory(meter=world["two"], taken_on=D(2026, 6, 1), day=400, night=120)
    with django_assert_num_queries(3):
        may = line_balance().rows[0]
    assert (may.plots.kwh, may.plots.plots, may.plots.missing) == (500 + 200 + 100 + 20, 3, 0)


def _summing(captured) -> int:
    return sum("LEAD(" in query["sql"].upper() for query in captured.captured_queries)


def test_an_import_sums_the_months_it_touched_once(world):  # noqa: F811 - the fixture
    extra = [MeterFactory(plot=PlotFactory(number=10 + n), serial=f"X{n}") for n in range(5)]
    rows = "".join(f"{m.plot.number},01.0{month}.2026,{100 * month},0\n" for m in extra for month in (5, 6))
    with CaptureQueriesContext(connection) as captured:
        _import_csv("Участок,Дата,День,Ночь\n" + rows)
    assert _summing(captured) == 1  # April to June in one run, whatever the rows
    assert _stored()[None, D(2026, 5, 1)][:2] == (500 + 5 * 100, 1 + 5)
    _assert_as_rebuilt()
    with CaptureQueriesContext(connection) as captured:
        Reading.objects.filter(meter__in=extra).delete()  # ten rows deleted at once
    assert _summing(captured) == 1
    _assert_as_rebuilt()


def _saving(meter) -> int:
    """Queries of saving a reading for 1 June (then deleted again)."""
    with CaptureQueriesContext(connection) as captured:
        reading = Reading.objects.create(meter=meter, taken_on=D(2026, 6, 1), day=400, night=120)
    reading.delete()
    return len(captured)


def test_a_single_save_costs_the_same_whatever_the_history(world):  # noqa: F811 - the fixture
    """In its savepoint: the lock, the meter's plot, the share before, the insert, the share after,
    an UPDATE per month changed (April and May); and Wagtail's reference index in its own."""
    small = _saving(world["two"])
    for n in range(20):
        meter = MeterFactory(plot=PlotFactory(number=100 + n), serial=f"H{n}")
        Reading.objects.bulk_create(
            Reading(meter=meter, taken_on=D(2025 + month // 12, month % 12 + 1, 1), day=10 * month)
            for month in range(18)
        )
    rebuild()
    assert _saving(world["two"]) == small == 14
    _assert_as_rebuilt()


def test_the_rebuild_command_restores_lost_sums(world):  # noqa: F811 - the fixture
    expected = _stored()
    LineBalanceMonth.objects.all().delete()
    out = StringIO()
    call_command("rebuild_line_balance", stdout=out)
    assert _stored() == expected
    assert "Суммы баланса электроэнергии пересчитаны" in out.getvalue()
