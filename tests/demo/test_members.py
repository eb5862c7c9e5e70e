import pytest
from allauth.account.models import EmailAddress

from demo import members as demo
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
