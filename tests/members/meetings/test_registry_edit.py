"""Editing a registry entry in the admin: the shares of a plot are checked across the rows of the form
as they will be saved, not against the rows' old values in the database."""

import datetime
from http import HTTPStatus

import pytest

from members.meetings.models import Ownership
from tests.factories import PlotFactory
from tests.members.meetings.world import person

pytestmark = pytest.mark.django_db

ADMIN_LIST = "/admin/meetings/person/"


def _edit_form(entry, rows) -> dict:
    """`rows`: (ownership id or "", plot id, owned_from, owned_to) each with the whole plot."""
    data = {
        "full_name": entry.full_name,
        "postal_address": "",
        "email": "",
        "phone": "",
        "is_member": "on",
        "member_since": "2021-05-01",
        "membership_ended_on": "",
        "notes": "",
        "ownerships-TOTAL_FORMS": str(len(rows)),
        "ownerships-INITIAL_FORMS": str(sum(1 for row in rows if row[0])),
        "ownerships-MIN_NUM_FORMS": "0",
        "ownerships-MAX_NUM_FORMS": "1000",
    }
    for index, (pk, plot_id, owned_from, owned_to) in enumerate(rows):
        data |= {
            f"ownerships-{index}-id": str(pk),
            f"ownerships-{index}-plot": str(plot_id),
            f"ownerships-{index}-share_numerator": "1",
            f"ownerships-{index}-share_denominator": "1",
            f"ownerships-{index}-owned_from": owned_from,
            f"ownerships-{index}-owned_to": owned_to,
            f"ownerships-{index}-basis": "",
        }
    return data


@pytest.fixture
def entry_with_plot():
    plot = PlotFactory(number=77)
    entry = person("Смирнова Светлана", member_since=datetime.date(2021, 5, 1))
    ownership = Ownership.objects.create(person=entry, plot=plot, owned_from=datetime.date(2021, 5, 1))
    return entry, plot, ownership


def test_ending_one_period_and_adding_the_next_in_one_save_is_accepted(treasurer_client, entry_with_plot):
    entry, plot, ownership = entry_with_plot
    rows = [(ownership.pk, plot.pk, "2021-05-01", "2022-12-31"), ("", plot.pk, "2023-01-01", "")]
    response = treasurer_client.post(f"{ADMIN_LIST}edit/{entry.pk}/", _edit_form(entry, rows))
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
    assert [(o.owned_from, o.owned_to) for o in entry.ownerships.order_by("owned_from")] == [
        (datetime.date(2021, 5, 1), datetime.date(2022, 12, 31)),
        (datetime.date(2023, 1, 1), None),
    ]


def test_adding_an_overlapping_period_without_ending_the_first_is_still_refused(treasurer_client, entry_with_plot):
    entry, plot, ownership = entry_with_plot
    rows = [(ownership.pk, plot.pk, "2021-05-01", ""), ("", plot.pk, "2023-01-01", "")]
    response = treasurer_client.post(f"{ADMIN_LIST}edit/{entry.pk}/", _edit_form(entry, rows))
    assert response.status_code == HTTPStatus.OK
    assert "Сумма долей участка 77 на 01.01.2023 — 2" in response.content.decode()
    assert entry.ownerships.count() == 1


def test_another_persons_share_in_the_database_is_still_counted(treasurer_client, entry_with_plot):
    entry, plot, ownership = entry_with_plot
    other = person("Соседов Семён")
    Ownership.objects.create(
        person=other, plot=plot, owned_from=datetime.date(2023, 1, 1), share_numerator=1, share_denominator=2
    )
    rows = [(ownership.pk, plot.pk, "2021-05-01", "2022-12-31"), ("", plot.pk, "2023-01-01", "")]
    response = treasurer_client.post(f"{ADMIN_LIST}edit/{entry.pk}/", _edit_form(entry, rows))
    assert response.status_code == HTTPStatus.OK
    assert "Сумма долей участка 77 на 01.01.2023 — 3/2" in response.content.decode()
