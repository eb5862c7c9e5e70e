import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from billing.models import Meter, Plot
from tests.factories import MeterFactory, PlotFactory


@pytest.fixture
def meter():
    return MeterFactory(plot=PlotFactory(number=269), kind=Meter.Kind.TWO_ZONE)


@pytest.fixture
def treasurer_client(client):
    user = get_user_model().objects.create_user(username="kassir", password="secret-123", is_staff=True)
    user.groups.add(Group.objects.get(name="Казначей"))
    client.force_login(user)
    return client


@pytest.fixture
def registry():
    plots = Plot.objects.bulk_create(Plot(number=number, street="1", area=6) for number in range(1, 1001))
    Meter.objects.bulk_create(Meter(plot=plot) for plot in plots)
