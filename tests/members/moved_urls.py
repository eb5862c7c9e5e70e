"""The site's URLs with the cabinet and the account pages mounted elsewhere: the menu must not care."""

from django.urls import include, path

from cms.urls import urlpatterns as site_urlpatterns

MOVED = {"cabinet/", "accounts/"}

urlpatterns = [
    path("kabinet/", include("members.urls")),
    path("kabinet/", include("members.meetings.urls")),
    path("uchetnaya-zapis/", include("allauth.urls")),
    *(pattern for pattern in site_urlpatterns if str(pattern.pattern) not in MOVED),
]
