import pytest

from billing.models import Meter, Plot
from tests.factories import MeterFactory, PlotFactory


@pytest.fixture
def meter():
    return MeterFactory(plot=PlotFactory(number=269), kind=Meter.Kind.TWO_ZONE)


@pytest.fixture
def registry():
    plots = Plot.objects.bulk_create(Plot(number=number, street="1", area=6) for number in range(1, 1001))
    Meter.objects.bulk_create(Meter(plot=plot) for plot in plots)
