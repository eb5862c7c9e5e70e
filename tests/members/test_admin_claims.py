from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group, Permission

from members.models import PlotClaim
from tests.factories import PlotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(django_user_model):
    def make(username, group_name):
        user = django_user_model.objects.create_user(username=username, password="Staff-2024x", is_staff=True)
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(Permission.objects.get(codename="access_admin"))
        user.groups.add(group)
        return user

    return make


@pytest.fixture
def claims(make_member):
    user = make_member(email="x@example.org")
    return [
        PlotClaim.objects.create(user=user, plot=PlotFactory(number=n), status=status)
        for n, status in ((1, "pending"), (2, "pending"), (3, "confirmed"))
    ]


def test_treasurer_sees_pending_claims_first_and_filters(client, staff, claims):
    client.force_login(staff("treasurer", "Казначей"))
    response = client.get("/admin/claims/")
    assert response.status_code == HTTPStatus.OK
    assert [c.pk for c in response.context["claims"]] == [claims[1].pk, claims[0].pk, claims[2].pk]
    assert "Заявки на участки" in response.content.decode()
    filtered = client.get("/admin/claims/?status=confirmed")
    assert [c.pk for c in filtered.context["claims"]] == [claims[2].pk]


def test_treasurer_confirms_and_rejects_in_bulk(client, staff, claims):
    treasurer = staff("treasurer", "Казначей")
    client.force_login(treasurer)
    response = client.post("/admin/claims/", {"claim": [claims[0].pk, claims[1].pk], "action": "confirm"})
    assert response.status_code == HTTPStatus.FOUND
    assert set(PlotClaim.objects.filter(status="confirmed").values_list("pk", flat=True)) == {c.pk for c in claims}
    client.post("/admin/claims/", {"claim": [claims[2].pk], "action": "reject", "comment": "Участок продан"})
    rejected = PlotClaim.objects.get(pk=claims[2].pk)
    assert (rejected.status, rejected.comment, rejected.decided_by) == ("rejected", "Участок продан", treasurer)


def test_editor_cannot_see_or_decide_claims(client, staff, claims):
    client.force_login(staff("editor", "Editors"))
    response = client.get("/admin/claims/")
    assert response.status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.FOUND)
    assert "claims" not in response.get("Location", "")
    client.post("/admin/claims/", {"claim": [claims[0].pk], "action": "confirm"})
    assert PlotClaim.objects.get(pk=claims[0].pk).status == "pending"
    assert "/admin/claims/" not in client.get("/admin/").content.decode()


def test_superuser_sees_the_claims_menu(client, django_user_model, claims):
    client.force_login(django_user_model.objects.create_superuser(username="boss", password="Boss-2024x"))
    assert "/admin/claims/" in client.get("/admin/").content.decode()
