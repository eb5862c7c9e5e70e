import pytest

from members.selectors import claims_for_review, confirmed_plot_ids
from tests.factories import PlotClaimFactory, PlotFactory

pytestmark = pytest.mark.django_db


def test_confirmed_plot_ids_only_confirmed_active_own_plots(make_member):
    mine, pending, rejected, inactive, theirs = (PlotFactory(number=n) for n in (1, 2, 3, 4, 5))
    inactive.active = False
    inactive.save()
    me = make_member(username="1", email="me@example.org")
    other = make_member(username="5", email="other@example.org")
    PlotClaimFactory(user=me, plot=mine, status="confirmed")
    PlotClaimFactory(user=me, plot=pending, status="pending")
    PlotClaimFactory(user=me, plot=rejected, status="rejected")
    PlotClaimFactory(user=me, plot=inactive, status="confirmed")
    PlotClaimFactory(user=other, plot=theirs, status="confirmed")
    PlotClaimFactory(user=other, plot=pending, status="confirmed")

    assert confirmed_plot_ids(user=me) == [mine.pk]
    assert confirmed_plot_ids(user=other) == [pending.pk, theirs.pk]


def test_confirmed_plot_ids_for_an_anonymous_user_is_empty(db):
    from django.contrib.auth.models import AnonymousUser

    assert confirmed_plot_ids(user=AnonymousUser()) == []


def test_claims_for_review_puts_pending_first(make_member):
    user = make_member(email="x@example.org")
    confirmed = PlotClaimFactory(user=user, plot__number=1, status="confirmed")
    pending = PlotClaimFactory(user=user, plot__number=2, status="pending")
    assert [row.claim for row in claims_for_review()] == [pending, confirmed]
    assert [row.claim for row in claims_for_review(status="confirmed")] == [confirmed]


def test_claims_for_review_marks_plots_held_by_someone_else(make_member):
    plot = PlotFactory(number=1)
    holder = make_member(username="1", email="a@example.org")
    newcomer = make_member(username="2", email="b@example.org")
    PlotClaimFactory(user=holder, plot=plot, status="confirmed")
    PlotClaimFactory(user=newcomer, plot=plot, status="pending")
    assert {r.claim.user.username: r.claim.co_owned for r in claims_for_review()} == {"1": False, "2": True}
