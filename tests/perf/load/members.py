"""Run inside the benchmark's settings: `python -m tests.perf.load.members COUNT`.

Creates COUNT members, each with a verified email, a profile and a confirmed claim on a demo
plot that has meter readings, logs each one in (a session in the production session store) and
prints JSON: the session cookie header of each member and the URL of a published announcement.
"""

import json
import sys

import django


def prepare(count: int) -> dict:
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client
    from django.utils import timezone

    from billing.models import Plot
    from home.models import AnnouncementPage
    from members.models import PlotClaim, Profile

    plots = list(
        Plot.objects.filter(meters__readings__isnull=False, claims__isnull=True).distinct().order_by("number")[:count]
    )
    if len(plots) < count:
        raise SystemExit(f"only {len(plots)} demo plots with readings and no claims, {count} needed")
    cookies = []
    for plot in plots:
        user = get_user_model().objects.create_user(
            username=str(plot.number), email=f"bench{plot.number}@example.org", password=None
        )
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        Profile.objects.create(user=user, owner_name=f"Садовод {plot.number}")
        PlotClaim.objects.create(user=user, plot=plot, status=PlotClaim.Status.CONFIRMED, decided_at=timezone.now())
        client = Client()
        client.force_login(user)
        # a browser keeps the CSRF cookie its first page set; send it back as a browser would
        csrf = _get_new_csrf_string()
        cookies.append(
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}; "
            f"{settings.CSRF_COOKIE_NAME}={csrf}"
        )
    announcement = AnnouncementPage.objects.live().public().order_by("-date", "-pk").first()
    if announcement is None:
        raise SystemExit("the demo has no published announcement")
    return {"cookies": cookies, "announcement": announcement.url}


if __name__ == "__main__":
    django.setup()
    print(json.dumps(prepare(int(sys.argv[1]))))  # noqa: T201 - read by the benchmark
