"""Run inside the benchmark's settings: `python -m tests.perf.load.meeting_voters prepare COUNT` or
`python -m tests.perf.load.meeting_voters count MEETING_ID`.

`prepare` creates COUNT members, each a site account with a verified email linked to a registry entry
(a member since 2020), and a published mixed meeting of three items whose voting is open (the
meetings tests' builder); logs each
member in (a session in the production session store) and prints JSON: the meeting's id and item ids,
and per member the person's id and a cookie header with the session and a CSRF cookie (the token the
form would carry is that cookie's value). `count` prints, from the database, the meeting's votes per
person and item as the benchmark checks them.
"""

import datetime
import json
import sys

import django


def prepare(count: int) -> dict:
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client

    from members.meetings.models import Person
    from tests.members.meetings.world import published

    meeting = published(items=(("budget", "Утвердить смету"), ("fees", "Утвердить взносы"), ("other", "Разное")))
    items = list(meeting.items.all())
    voters = []
    for n in range(1, count + 1):
        user = get_user_model().objects.create_user(
            username=str(5000 + n), email=f"voter{n}@example.org", password=None
        )
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        person = Person.objects.create(full_name=f"Голосующий {n}", member_since=datetime.date(2020, 1, 1), user=user)
        client = Client()
        client.force_login(user)
        csrf = _get_new_csrf_string()
        cookie = (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}; "
            f"{settings.CSRF_COOKIE_NAME}={csrf}"
        )
        voters.append({"person": person.pk, "cookie": cookie, "csrf": csrf})
    return {"meeting": meeting.pk, "items": [item.pk for item in items], "voters": voters}


def count(meeting_id: int) -> dict:
    from members.meetings.models import Vote

    votes = Vote.objects.filter(meeting_id=meeting_id).order_by("person_id", "item_id")
    rows = list(votes.values_list("person_id", "item_id", "choice", "source"))
    return {"votes": rows}


if __name__ == "__main__":
    django.setup()
    command, argument = sys.argv[1], int(sys.argv[2])
    result = prepare(argument) if command == "prepare" else count(argument)
    print(json.dumps(result))  # noqa: T201 - read by the benchmark
