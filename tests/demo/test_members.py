import pytest
from allauth.account.models import EmailAddress

from demo import members as demo
from demo import registry
from members.meetings.models import Ownership, Person
from members.models import PlotClaim, Profile
from tests.factories import PlotFactory

pytestmark = pytest.mark.django_db


def test_demo_member_269_is_ready_and_the_loader_is_idempotent(client):
    PlotFactory(number=269)
    PlotFactory(number=270)
    demo.load_demo()
    counts = (PlotClaim.objects.count(), Profile.objects.count(), EmailAddress.objects.count())
    lines = demo.load_demo()
    assert (PlotClaim.objects.count(), Profile.objects.count(), EmailAddress.objects.count()) == counts

    assert any(line.startswith("269 / ") for line in lines)
    claims = PlotClaim.objects.filter(user__username="269")
    assert sorted(claims.values_list("plot__number", "status")) == [(269, "confirmed"), (270, "confirmed")]
    profile = Profile.objects.get(user__username="269")
    assert (profile.phone, profile.sms_consent) == ("89031221105", True)
    assert EmailAddress.objects.get(user__username="269").verified

    response = client.post("/accounts/login/", {"login": "269", "password": demo.MEMBER_PASSWORD})
    assert response["Location"] == "/cabinet/"


def test_demo_skips_missing_plots():
    PlotFactory(number=269)
    demo.load_demo()
    assert list(PlotClaim.objects.values_list("plot__number", flat=True)) == [269]


def test_the_demo_registry_links_member_269_and_loads_once(client):
    for number in (269, 270, 12):
        PlotFactory(number=number)
    demo.load_demo()
    registry.load_demo()
    registry.load_demo()
    assert Person.objects.count() == 4 and Ownership.objects.count() == 4  # plot 3 is missing: skipped
    ivanov = Person.objects.get(full_name="Иванов Иван Иванович")
    assert ivanov.user.username == "269"
    client.force_login(ivanov.user)
    assert "50:09:0010101:269" in client.get("/cabinet/registry/").content.decode()
