"""Builders shared by the SMS tests."""

import datetime

from billing.models import Meter
from members.models import PlotClaim, Profile
from tests.factories import MeterFactory, PlotFactory, ReadingFactory

SEED_269 = "СНТ Аникино: T1 520, T2 217. К оплате 4121.45. Оплатить до 5 числа."
MAY, JUNE = datetime.date(2022, 5, 1), datetime.date(2022, 6, 1)


def plot_with_readings(number, start, end, kind=Meter.Kind.TWO_ZONE):
    plot = PlotFactory(number=number)
    meter = MeterFactory(plot=plot, kind=kind)
    ReadingFactory(meter=meter, taken_on=MAY, day=start[0], night=start[1])
    ReadingFactory(meter=meter, taken_on=JUNE, day=end[0], night=end[1])
    return plot


def member_with(username, phone, plots, make_member, consent=True, status=PlotClaim.Status.CONFIRMED):
    user = make_member(username=username, email=f"m{username}@example.org")
    Profile.objects.update_or_create(user=user, defaults={"phone": phone, "sms_consent": consent})
    for plot in plots:
        PlotClaim.objects.create(user=user, plot=plot, status=status)
    return user
