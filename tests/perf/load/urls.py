"""The product's URLs plus the baseline the cabinet pages are measured against."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from cms.urls import urlpatterns as site_urlpatterns
from tests.perf.load.server import BASELINE_PATH


@login_required
def authenticated(request: HttpRequest) -> HttpResponse:
    """As little as an authenticated view can do: load the session and the user, answer."""
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain")


urlpatterns = [path(BASELINE_PATH.strip("/") + "/", authenticated), *site_urlpatterns]
