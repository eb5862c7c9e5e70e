"""Accounts for the security tests: a member as allauth leaves them, with a plot and its ledger."""

import datetime
from decimal import Decimal

import pytest

from members.models import PlotClaim
from tests.factories import (
    ArticleFactory,
    ChargeFactory,
    MeterFactory,
    PaymentFactory,
    PlotClaimFactory,
    PlotFactory,
    ProfileFactory,
    ReadingFactory,
)
from tests.security.posting import people_clients
from tests.security.world import build_world


@pytest.fixture
def member_with_plot(make_member):
    """Member 269 with a confirmed plot 269: profile, a charge, a payment and two readings whose
    numbers appear nowhere else."""
    user = make_member()
    ProfileFactory(
        user=user,
        owner_name="Иванов Иван Иванович",
        contact_persons="Иванова Мария, 89160000001",
        phone="89031221105",
        sms_consent=True,
    )
    plot = PlotFactory(number=269, area=Decimal("7.20"))
    PlotClaimFactory(user=user, plot=plot, status=PlotClaim.Status.CONFIRMED)
    article = ArticleFactory(name="Членские взносы 2022")
    ChargeFactory(plot=plot, article=article, amount=Decimal("7200.00"), accrued_on=datetime.date(2022, 1, 1))
    PaymentFactory(plot=plot, article=article, amount=Decimal("1234.56"), paid_on=datetime.date(2022, 4, 1))
    meter = MeterFactory(plot=plot, serial="SN-269")
    ReadingFactory(meter=meter, taken_on=datetime.date(2022, 5, 1), day=9012, night=2901)
    ReadingFactory(meter=meter, taken_on=datetime.date(2022, 6, 1), day=9532, night=3118)
    return user


@pytest.fixture
def world(db):
    """The demo site and accounts, a member with distinctive numbers, one object of each kind."""
    return build_world()


@pytest.fixture
def people(world):
    """A client for each of the seven POST roles (see posting.people_clients)."""
    return people_clients(world)
