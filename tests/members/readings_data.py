"""A member with a two-zone meter and four monthly readings, and a calendar inside the window."""

import datetime
import io

import pytest
from PIL import Image

from billing.models import Meter
from members.models import PlotClaim
from tests.factories import MeterFactory, PlotClaimFactory, PlotFactory, ReadingFactory

IN_WINDOW = datetime.date(2026, 11, 22)  # the default window is the 20th–25th
PERIOD, TAKEN_ON = "2026-11", datetime.date(2026, 12, 1)
LAST = (1300, 650)  # 01.11.2026; each of the last three periods used 150 kWh


def set_today(monkeypatch, day: datetime.date) -> None:
    monkeypatch.setattr("members.readings.window.today", lambda: day)


@pytest.fixture
def in_window(monkeypatch):
    set_today(monkeypatch, IN_WINDOW)
    return IN_WINDOW


@pytest.fixture
def meter(member):
    plot = PlotFactory(number=269)
    PlotClaimFactory(user=member, plot=plot, status=PlotClaim.Status.CONFIRMED)
    meter = MeterFactory(plot=plot, serial="SN-269", kind=Meter.Kind.TWO_ZONE)
    for month, (day, night) in zip((8, 9, 10, 11), ((1000, 500), (1100, 550), (1200, 600), LAST), strict=True):
        ReadingFactory(meter=meter, taken_on=datetime.date(2026, month, 1), day=day, night=night)
    return meter


def image_bytes(kind: str = "JPEG", size=(40, 30), exif: bool = False) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, "white")
    extra = {}
    if exif:
        tags = Image.Exif()
        tags[0x010F] = "SecretPhoneMaker"  # Make
        tags[0x8825] = {1: "N", 2: (55.0, 45.0, 12.0), 3: "E", 4: (37.0, 37.0, 6.0)}  # GPSInfo
        extra["exif"] = tags.tobytes()
    image.save(buffer, kind, **extra)
    return buffer.getvalue()
