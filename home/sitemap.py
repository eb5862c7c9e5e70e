"""The sitemap, robots.txt and favicon.ico at the site root.

The sitemap and robots.txt name the host the site is reached at, not the Site record's
hostname (the demo's «localhost»); ALLOWED_HOSTS has already vetted that host.
"""

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from wagtail.contrib.sitemaps import Sitemap
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap

ROBOTS_DISALLOW = ("/admin/", "/cabinet/", "/accounts/", "/search/", "/documents/")


class RequestHostSitemap(Sitemap):
    """Wagtail's sitemap, with each location on the requested scheme and host."""

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        root_url = self.get_wagtail_site().root_url
        here = self.request.build_absolute_uri("/").rstrip("/")
        for url in urls:
            if url["location"].startswith(root_url):
                url["location"] = here + url["location"][len(root_url) :]
        return urls


def sitemap(request: HttpRequest) -> HttpResponse:
    return wagtail_sitemap(request, sitemaps={"pages": RequestHostSitemap})


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW)]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and bots ask for /favicon.ico; the icon itself is a static file."""
    return HttpResponsePermanentRedirect(static("img/favicon.ico"))
