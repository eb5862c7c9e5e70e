"""One акт сверки of ten years (issue 13, «Speed»), against WeasyPrint's own time for the same HTML.

The plot: monthly readings on a two-zone meter (120 electricity periods), a membership and a target
fee a year, a payment for each of them, penalties twice a year. The акт goes the member's whole way:
the test client's GET of /cabinet/reconciliation/<n>.pdf (claim, queries, arithmetic, template,
WeasyPrint). Floor: the HTML that request rendered, saved to a file and converted alone by WeasyPrint
with the same stylesheets, in the same run. Target: ≤ 1.5× the floor (best of several rounds).
"""

import datetime
import time
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.contrib.staticfiles import finders

from billing.models import Article, Charge, Meter, Payment, Plot, Reading
from billing.services.debts.reconciliation import Period, load_reconciliation, plot_headings
from members.models import PlotClaim
from members.partnership import partnership_settings
from members.reconciliation.documents import STYLESHEETS, act_document, act_html
from tests.factories import TariffFactory, UserFactory
from tests.home.factories import site_pages  # noqa: F401 - fixture
from tests.members.acts import pdf_text

pytestmark = pytest.mark.django_db

YEARS = 10
ROUNDS = 5
FIRST_YEAR = 2014
START, END = datetime.date(FIRST_YEAR, 1, 1), datetime.date(FIRST_YEAR + YEARS, 1, 1)


def _ten_years() -> Plot:
    TariffFactory(valid_from=datetime.date(2010, 1, 1))
    plot = Plot.objects.create(number=269, street="5", area=Decimal("7.20"), owner_name="Иванов Иван Иванович")
    meter = Meter.objects.create(plot=plot, kind=Meter.Kind.TWO_ZONE, serial="S269")
    months = [datetime.date(FIRST_YEAR + n // 12, n % 12 + 1, 1) for n in range(YEARS * 12 + 1)]
    Reading.objects.bulk_create(
        Reading(meter=meter, taken_on=day, day=300 + 210 * n, night=100 + 95 * n) for n, day in enumerate(months)
    )
    power = Article.objects.create(name="Электроэнергия", kind=Article.Kind.ELECTRICITY)
    penalty = Article.objects.create(name="Пени", kind=Article.Kind.PENALTY, sort_order=900)
    charges, payments = [], []
    for year in range(FIRST_YEAR, FIRST_YEAR + YEARS):
        for kind, name, amount in (
            ("membership", "Членские взносы", "7200.00"),
            ("target", "Целевой взнос", "3000.00"),
        ):
            article = Article.objects.create(name=f"{name} {year}", kind=kind, year=year)
            charges.append(
                Charge(plot=plot, article=article, amount=Decimal(amount), accrued_on=datetime.date(year, 1, 1))
            )
            payments.append(
                Payment(
                    plot=plot,
                    article=article,
                    amount=Decimal(amount),
                    paid_on=datetime.date(year, 6, 10),
                    document=f"{kind[0]}{year}",
                )
            )
        for month in (7, 12):
            charges.append(
                Charge(plot=plot, article=penalty, amount=Decimal("12.34"), accrued_on=datetime.date(year, month, 31))
            )
    for n, day in enumerate(months[1:]):
        payments.append(
            Payment(
                plot=plot,
                article=power,
                amount=Decimal("1500.00"),
                paid_on=day + datetime.timedelta(days=4),
                document=f"e{n}",
            )
        )
    Charge.objects.bulk_create(charges)
    Payment.objects.bulk_create(payments)
    return plot


def _timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def test_one_акт_of_ten_years_against_weasyprint_alone(client, targets, tmp_path, site_pages):  # noqa: F811
    from weasyprint import CSS, HTML

    plot = _ten_years()
    member = UserFactory(username="269", email="m269@example.org")
    PlotClaim.objects.create(user=member, plot=plot, status=PlotClaim.Status.CONFIRMED)
    client.force_login(member)
    url = f"/cabinet/reconciliation/269.pdf?from={START:%Y-%m-%d}&to={END:%Y-%m-%d}"

    responses = []
    response = client.get(url)  # warm up: fonts, templates, the URL conf
    assert response.status_code == HTTPStatus.OK, response.content[:500]
    text = pdf_text(response.content)
    assert "Электроэнергия за декабрь 2023" in text and "Целевой взнос 2023" in text and "Пени" in text

    [heading] = plot_headings(plot_ids=[plot.pk])
    reconciliation = load_reconciliation(plot=heading, period=Period(START, END))
    document = act_document(
        reconciliation, partnership=partnership_settings(None), base_url="http://testserver/", made_on=END
    )
    saved = tmp_path / "act.html"
    saved.write_text(act_html(document), encoding="utf-8")
    stylesheets = [finders.find(path) for path in STYLESHEETS]

    def weasyprint_alone() -> bytes:
        return HTML(filename=str(saved), base_url="http://testserver/").write_pdf(
            stylesheets=[CSS(filename=path) for path in stylesheets]
        )

    weasyprint_alone()
    floor, full = [], []
    for _ in range(ROUNDS):
        floor.append(_timed(weasyprint_alone))
        full.append(_timed(lambda: responses.append(client.get(url))))
    assert all(r.status_code == HTTPStatus.OK for r in responses)
    entries = sum(len(a.entries) for a in reconciliation.accounts)
    pages = pdf_text(responses[-1].content).count(" / ")
    floor, full = min(floor), min(full)
    print(
        f"\nакт сверки: {YEARS} years, {entries} lines in {len(reconciliation.accounts)} accounts, ~{pages} pages; "
        f"WeasyPrint alone {floor:.3f} s, the whole request {full:.3f} s"
    )
    targets.check("акт сверки of 10 years / WeasyPrint alone", full / floor, 1.5)
    targets.assert_met()
