"""The results of a general meeting of 3,000 members × 30 items (issue 15, «Speed»).

- the public results page («Общие собрания» → the meeting) reads the same number of queries for
  3,000 members × 30 items as for 9 × 3, and so does the running count (voting.count_votes, four);
- without the page cache it takes ≤ 2× a ContentPage, both rendered in the same run, taken in turns
  (the median of ROUNDS requests after a warm-up), logged out.

Measured after the merge, on 2 shared cores with other work running: 1.5–1.6× on SQLite (ContentPage
2.2 ms, the results page 3.4 ms). The 30 result cards are one string format each
(members.meetings.templatetags.meeting_tags): through the template engine they cost 2.6×, through
format_html_join 3.3× (its lazy-string wrapper escaped every number again).

The page reads the numbers written at the close (Meeting.members_*, AgendaItem.votes_*): the protocol's
record, which cannot change after the close — data, not a cache. The close itself (the count of 90,000
votes) is timed and printed, not targeted: it runs once per meeting.
"""

import datetime
import time
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from home.models import ContentPage
from members.meetings import law, voting
from members.meetings.models import AgendaItem, Meeting, MeetingsPage, Person, Vote
from tests.home.factories import make_home, publish
from tests.members.meetings.results_data import after, closed_golden
from tests.members.meetings.world import published
from tests.perf.pages import medians_ms

pytestmark = pytest.mark.django_db

MEMBERS, ITEMS = 3_000, 30
ROUNDS = 21
CHOICES = (Vote.Choice.FOR, Vote.Choice.FOR, Vote.Choice.AGAINST, Vote.Choice.ABSTAINED)


def _big_meeting() -> Meeting:
    """A published meeting of ITEMS items (every third needing 2/3) and MEMBERS members, of whom all but
    every fifth voted on every item on paper; written in bulk."""
    meeting = published(items=())
    AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting,
            sort_order=n,
            topic="budget" if n % 3 == 0 else "other",
            wording=f"Вопрос повестки номер {n + 1}: утвердить решение по пункту {n + 1} сметы и отчёта правления",
            majority=law.Majority.QUALIFIED if n % 3 == 0 else law.Majority.SIMPLE,
        )
        for n in range(ITEMS)
    )
    joined = datetime.date(2020, 1, 1)
    people = Person.objects.bulk_create(
        Person(full_name=f"Член Товарищества {n}", member_since=joined) for n in range(MEMBERS)
    )
    items = list(meeting.items.order_by("sort_order"))
    Vote.objects.bulk_create(
        (
            Vote(
                meeting=meeting,
                item=item,
                person=person,
                choice=CHOICES[(n + index) % len(CHOICES)],
                source=Vote.Source.PAPER,
            )
            for n, person in enumerate(people)
            if n % 5
            for index, item in enumerate(items)
        ),
        batch_size=5000,
    )
    return meeting


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == HTTPStatus.OK
    return len(captured)


def test_results_of_a_meeting_of_3000_members_and_30_items(client, settings, targets):
    settings.PAGE_CACHE = settings.CABINET_CACHE = False
    home = make_home()
    content = publish(
        home,
        ContentPage(
            title="Устав",
            slug="ustav",
            intro="Устав товарищества",
            body=[("heading", "Общие положения"), ("paragraph", "<p>Товарищество создано садоводами.</p>" * 20)],
        ),
    )
    page = publish(home, MeetingsPage(title="Общие собрания", slug="sobraniya"))
    small = closed_golden()
    big = _big_meeting()
    assert Vote.objects.filter(meeting=big).count() == MEMBERS * 4 // 5 * ITEMS

    count_queries = []
    for meeting in (small, big):
        with CaptureQueriesContext(connection) as captured:
            voting.count_votes(meeting)
        count_queries.append(len(captured))
    started = time.perf_counter()
    voting.close(big.pk, None, now=after(big))
    close_ms = (time.perf_counter() - started) * 1000
    big.refresh_from_db()
    assert (big.members_count, big.members_present, big.quorum) == (MEMBERS + 9, MEMBERS * 4 // 5, True)

    small_url, big_url = f"{page.url}{small.pk}/", f"{page.url}{big.pk}/"
    client.get(small_url)  # warm: Wagtail's site root paths
    page_queries = (_queries(client, small_url), _queries(client, big_url))
    assert f"Вопрос {ITEMS}" in client.get(big_url).content.decode()
    content_ms, page_ms = medians_ms(client, [content.url, big_url], ROUNDS)
    print(
        f"\nmeeting results, {MEMBERS} members × {ITEMS} items: close (count and write) {close_ms:.1f} ms; "
        f"count_votes {count_queries} queries, results page {page_queries} queries; "
        f"ContentPage {content_ms:.1f} ms, the results page {page_ms:.1f} ms"
    )
    assert count_queries == [4, 4], count_queries
    assert page_queries[0] == page_queries[1], page_queries
    targets.check("meeting results page queries, 3,000×30 / 9×3", page_queries[1] / page_queries[0], 1)
    targets.check("running count queries, 3,000×30 / 9×3", count_queries[1] / count_queries[0], 1)
    targets.check("uncached meeting results page / ContentPage", page_ms / content_ms, 2)
    targets.assert_met()
