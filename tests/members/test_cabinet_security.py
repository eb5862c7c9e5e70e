"""A member sees only the plots they hold a confirmed claim on, whatever they put in the URL,
the query string or a form. Each foreign plot carries numbers found nowhere else; none may leak."""

import datetime
import io
from decimal import Decimal
from http import HTTPStatus

import openpyxl
import pytest
from django.core import mail

from billing.models import Article
from members.models import PlotClaim
from tests.factories import ArticleFactory, ChargeFactory, MeterFactory, PlotFactory, ReadingFactory
from tests.members.cabinet_data import confirm, seed_tariff

pytestmark = pytest.mark.django_db

PAGES = ["/cabinet/", "/cabinet/edit/", "/cabinet/payments/", "/cabinet/electricity/"]
EXPORTS = ["/cabinet/electricity/export.csv", "/cabinet/electricity/export.xlsx"]
URLS = PAGES + EXPORTS

# plot number → (day reading, night reading, charge): distinctive, so a leak is unmistakable
OWN = {269: (41017, 13029, Decimal("7200.00"))}
FOREIGN = {
    270: (52183, 17351, Decimal("31337.00")),  # pending claim of the member
    271: (63294, 28462, Decimal("42448.00")),  # rejected claim of the member
    272: (74305, 39573, Decimal("53559.00")),  # another member's confirmed plot
    273: (85416, 40684, Decimal("64661.00")),  # nobody's
}


def _plot(number, day, night, amount, article):
    plot = PlotFactory(number=number, street=f"Улица-{number}")
    meter = MeterFactory(plot=plot)
    ReadingFactory(meter=meter, taken_on=datetime.date(2022, 5, 1), day=day - 500, night=night - 200)
    ReadingFactory(meter=meter, taken_on=datetime.date(2022, 6, 1), day=day, night=night)
    ChargeFactory(plot=plot, article=article, amount=amount)
    return plot


@pytest.fixture
def world(make_member, plot_269):
    seed_tariff()
    article = ArticleFactory(name="Членские взносы 2022", kind=Article.Kind.MEMBERSHIP)
    plots = {n: _plot(n, *values, article) for n, values in (OWN | FOREIGN).items()}
    me = make_member()
    other = make_member(username="272", email="other@example.org")
    confirm(me, plots[269])
    confirm(me, plots[270], status=PlotClaim.Status.PENDING)
    confirm(me, plots[271], status=PlotClaim.Status.REJECTED)
    confirm(other, plots[272])
    return {"me": me, "other": other, "plots": plots}


def _texts(response) -> str:
    """Everything a response shows, an XLSX workbook included, as one string."""
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        return " ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row)
    return response.content.decode().replace("\xa0", " ")


def _leaks(text: str) -> list[str]:
    found = []
    for number, (day, night, amount) in FOREIGN.items():
        rub = f"{amount:,.2f}".replace(",", " ").replace(".", ",")
        for mark in (str(day), str(night), str(day - 500), rub, f"Улица-{number}"):
            if mark in text:
                found.append(f"{number}: {mark}")
    return found


def _sees_own(text: str) -> bool:
    day, night, _ = OWN[269]
    return str(day) in text and str(night) in text


def _tamper(world) -> list[str]:
    """Query strings naming other plots by number, id, user and meter."""
    plots, other = world["plots"], world["other"]
    queries = []
    for number in FOREIGN:
        pk = plots[number].pk
        queries += [
            f"?plot={number}",
            f"?plot_id={pk}",
            f"?plots={number}&plot=269",
            f"?plot_ids={pk}&plot_ids={plots[269].pk}",
            f"?number={number}",
            f"?user={other.pk}&user_id={other.pk}",
            f"?meter={plots[number].meters.get().pk}",
        ]
    return queries


def test_own_data_is_visible_and_no_foreign_data_anywhere(client, world):
    client.force_login(world["me"])
    for url in ("/cabinet/electricity/", *EXPORTS):
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK
        assert _sees_own(_texts(response)), url  # the check below would notice data
        assert _leaks(_texts(response)) == [], url


def test_query_strings_naming_other_plots_change_nothing(client, world):
    client.force_login(world["me"])
    for url in URLS:
        for query in _tamper(world):
            response = client.get(url + query)
            assert response.status_code == HTTPStatus.OK, url + query
            assert _leaks(_texts(response)) == [], url + query


@pytest.mark.parametrize("number", sorted(FOREIGN))
def test_plot_numbers_and_ids_in_paths_are_not_found(client, world, number):
    client.force_login(world["me"])
    pk = world["plots"][number].pk
    for base in ("/cabinet/payments/", "/cabinet/electricity/", "/cabinet/"):
        for tail in (f"{number}/", f"{pk}/", f"plot/{number}/", f"{number}"):
            response = client.get(base + tail, follow=True)  # APPEND_SLASH may redirect first
            assert response.status_code == HTTPStatus.NOT_FOUND, base + tail
            assert _leaks(_texts(response)) == []
    for path in (f"/cabinet/electricity/export.csv/{number}", f"/cabinet/electricity/export-{number}.csv"):
        assert client.get(path).status_code == HTTPStatus.NOT_FOUND


def test_posting_plot_fields_to_the_money_pages_is_refused(client, world):
    client.force_login(world["me"])
    for url in ("/cabinet/payments/", "/cabinet/electricity/", *EXPORTS):
        response = client.post(url, {"plot": "270", "plot_id": str(world["plots"][272].pk), "plots": "272"})
        assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
        assert _leaks(_texts(response)) == []


def test_listing_someone_elses_plot_in_the_form_does_not_open_it(client, world):
    """The edit form takes any registry number, but only as a claim for the treasurer."""
    client.force_login(world["me"])
    response = client.post(
        "/cabinet/edit/",
        {"plots": "269,270,271,272,273", "owner_name": "", "contact_persons": "", "phone": ""},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert not PlotClaim.objects.filter(
        user=world["me"], plot__number__in=FOREIGN, status=PlotClaim.Status.CONFIRMED
    ).exists()
    for url in URLS:
        response = client.get(url)
        assert _leaks(_texts(response)) == [], url


def test_the_other_member_sees_only_their_plot(client, world):
    client.force_login(world["other"])
    text = _texts(client.get("/cabinet/electricity/"))
    assert str(FOREIGN[272][0]) in text
    assert str(OWN[269][0]) not in text
    assert str(FOREIGN[270][0]) not in text


def test_a_plot_deactivated_in_the_registry_disappears(client, world):
    plot = world["plots"][269]
    plot.active = False
    plot.save()
    client.force_login(world["me"])
    for url in ("/cabinet/payments/", "/cabinet/electricity/", *EXPORTS):
        assert not _sees_own(_texts(client.get(url))), url


@pytest.mark.parametrize("url", URLS)
def test_anonymous_visitor_is_sent_to_login(client, world, url):
    response = client.get(url + "?plot=269")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/?next=/cabinet/")


@pytest.mark.parametrize("url", URLS)
def test_unverified_email_cannot_enter(client, world, make_member, url):
    """Same plots, same claim, but the email is not confirmed: a request to confirm, no data."""
    unverified = make_member(username="2690", email="new269@example.org", verified=False)
    confirm(unverified, world["plots"][269])
    client.force_login(unverified)
    mail.outbox.clear()
    response = client.get(url)
    assert not _sees_own(_texts(response))
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND)
    assert "content-disposition" not in {k.lower() for k in response.headers}
    assert len(mail.outbox) == 1  # the confirmation letter again
