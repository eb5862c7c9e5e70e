from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from members.models import PlotClaim, Profile
from members.selectors import EVIDENCE_EMAIL, EVIDENCE_NONE, EVIDENCE_PHONE, claims_for_review
from tests.factories import PlotClaimFactory, PlotFactory, ProfileFactory

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
        PlotClaimFactory(user=user, plot__number=n, status=status)
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


@pytest.fixture
def evidence_claims(make_member):
    """Plot 10: proven email; 11: proven phone; 12: a typed phone and an unconfirmed email that
    equal the registry, and a login equal to the plot number — none of which proves anything."""
    by_email = make_member(username="10", email="owner10@example.org")
    by_phone = make_member(username="11", email="x11@example.org")
    ProfileFactory(user=by_phone, phone="89031221105", verified_phone="89031221105", phone_verified_at=timezone.now())
    pretender = make_member(username="12", email="x12@example.org")
    EmailAddress.objects.create(user=pretender, email="owner12@example.org", verified=False, primary=False)
    ProfileFactory(user=pretender, phone="89035550012")
    plots = [
        PlotFactory(number=10, owner_email="Owner10@Example.org"),
        PlotFactory(number=11, owner_phone="79031221105"),
        PlotFactory(number=12, owner_email="owner12@example.org", owner_phone="89035550012"),
    ]
    return [
        PlotClaimFactory(user=user, plot=plot)
        for user, plot in zip((by_email, by_phone, pretender), plots, strict=True)
    ]


def test_each_claim_shows_what_proves_it(evidence_claims):
    evidence = {row.claim.plot.number: row.evidence for row in claims_for_review()}
    assert evidence == {10: [EVIDENCE_EMAIL], 11: [EVIDENCE_PHONE], 12: [EVIDENCE_NONE]}
    assert EVIDENCE_EMAIL == "email совпадает с реестром (подтверждён)"
    assert EVIDENCE_PHONE == "телефон совпадает с реестром (подтверждён SMS)"
    assert EVIDENCE_NONE == "совпадений нет"


def test_a_phone_proven_then_changed_is_no_evidence(evidence_claims):
    Profile.objects.filter(user__username="11").update(phone="89990000000")
    evidence = {row.claim.plot.number: row.evidence for row in claims_for_review()}
    assert evidence[11] == [EVIDENCE_NONE]


def test_the_list_says_a_login_proves_nothing_and_shows_the_evidence(client, staff, evidence_claims):
    client.force_login(staff("treasurer", "Казначей"))
    html = client.get("/admin/claims/").content.decode()
    assert "он ничего не доказывает" in html
    assert "Логин (не доказательство)" in html
    for text in (EVIDENCE_EMAIL, EVIDENCE_PHONE, EVIDENCE_NONE):
        assert text in html


def test_the_evidence_costs_no_query_per_claim(evidence_claims, make_member):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            rows = claims_for_review()
            for row in rows:
                assert row.evidence
                assert row.claim.plot.number and row.claim.user.get_username()
                assert row.claim.decided_by is None or row.claim.decided_by.get_username()
        return len(captured.captured_queries)

    few = queries()
    for n in range(20, 40):
        user = make_member(username=str(n), email=f"m{n}@example.org")
        ProfileFactory(user=user, phone=f"8903555{n:04d}", verified_phone=f"8903555{n:04d}")
        PlotClaimFactory(user=user, plot=PlotFactory(number=n, owner_phone=f"8903555{n:04d}"))
    assert queries() == few == 2


def test_the_member_gets_an_email_when_the_treasurer_decides(
    client, staff, make_member, mailoutbox, django_capture_on_commit_callbacks
):
    user = make_member(username="42", email="m42@example.org")
    other = make_member(username="50", email="m50@example.org", verified=False)
    mine = [PlotClaimFactory(user=user, plot__number=n) for n in (42, 43, 44)]
    unconfirmed_email = PlotClaimFactory(user=other, plot__number=50)
    client.force_login(staff("treasurer", "Казначей"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/claims/", {"claim": [mine[0].pk, mine[1].pk, unconfirmed_email.pk], "action": "confirm"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/claims/", {"claim": [mine[2].pk], "action": "reject", "comment": "Участок продан"})
    with django_capture_on_commit_callbacks(execute=True):  # deciding again what is decided sends nothing
        client.post("/admin/claims/", {"claim": [mine[2].pk], "action": "reject"})

    assert [m.to for m in mailoutbox] == [["m42@example.org"], ["m42@example.org"]]
    confirmed, rejected = mailoutbox
    assert confirmed.subject.endswith("участки подтверждены")
    assert "Участки 42, 43 подтверждены." in confirmed.body
    assert "http://testserver/cabinet/" in confirmed.body
    assert rejected.subject.endswith("заявка на участок отклонена")
    assert "Участок 44: заявка отклонена. Комментарий казначея: Участок продан" in rejected.body


def test_the_list_shows_what_the_member_entered_beside_the_registry(client, staff, make_member):
    user = make_member(username="61", email="m61@example.org")
    ProfileFactory(
        user=user, owner_name="Сидоров Пётр", phone="89161234567", contact_persons="Сидорова Анна, 89160000000"
    )
    PlotClaimFactory(user=user, plot=PlotFactory(number=61, owner_name="Сидоров П. И.", owner_phone="89031112233"))
    client.force_login(staff("treasurer", "Казначей"))
    html = client.get("/admin/claims/").content.decode()
    member = html.split('<td class="claim-member">')[1].split("</td>")[0]
    registry = html.split('<td class="claim-registry">')[1].split("</td>")[0]
    for text in ("Сидоров Пётр", "m61@example.org", "тел. 89161234567 (не подтверждён)", "Сидорова Анна, 89160000000"):
        assert text in member
    assert "Сидоров П. И." in registry and "тел. 89031112233" in registry
