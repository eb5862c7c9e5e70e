"""A payment posted from the bank statement is in the member's «Статус моих оплат» at once, the
cabinet cache notwithstanding."""

import pytest

from billing.models import Article
from members.models import PlotClaim
from tests.factories import ArticleFactory, ChargeFactory, PlotClaimFactory

from .test_exchange import SAMPLE
from .test_import_statement import load

pytestmark = pytest.mark.django_db


def test_the_cabinet_shows_the_statements_payment(member_client, member, plot_269, settings):
    settings.CABINET_CACHE = True
    PlotClaimFactory(user=member, plot=plot_269, status=PlotClaim.Status.CONFIRMED)
    electricity = ArticleFactory(name="Электроэнергия", kind=Article.Kind.ELECTRICITY)
    ArticleFactory(name="Членские взносы 2022", kind=Article.Kind.MEMBERSHIP, year=2022)
    ChargeFactory(plot=plot_269, article=electricity, amount="5000.00")
    before = member_client.get("/cabinet/payments/").content.decode()
    assert "4\u00a0121,45" not in before
    load(SAMPLE.read_bytes())
    after = member_client.get("/cabinet/payments/").content.decode()
    assert "4\u00a0121,45" in after  # paid
    assert "878,55" in after  # still due: 5 000,00 − 4 121,45
