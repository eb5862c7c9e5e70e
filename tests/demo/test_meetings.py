"""The demo's «Общие собрания»: the page and the closed meeting of 28 May 2022, loaded once."""

from http import HTTPStatus

import pytest
from django.core.management import call_command

from members.meetings.models import Meeting, MeetingsPage, Vote

pytestmark = pytest.mark.django_db


def test_the_demo_meeting_is_closed_with_its_results_and_loads_once(client):
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    page = MeetingsPage.objects.get()
    meeting = Meeting.objects.get(status=Meeting.Status.CLOSED)
    assert meeting.is_closed and Vote.objects.count() == 3 * 5 + 1
    assert (meeting.members_count, meeting.members_present, meeting.owners_present, meeting.quorum) == (3, 3, 1, True)
    assert [item.passed for item in meeting.items.order_by("sort_order")] == [True, True, False, True, True]
    response = client.get(page.url)
    assert response.status_code == HTTPStatus.OK
    assert "Кворум был: приняли участие 3 из 3 членов товарищества." in response.content.decode()
    assert client.get(f"{page.url}{meeting.pk}/protocol/").status_code == HTTPStatus.OK
