from django.conf import settings
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from home import sitemap as home_sitemap
from home import views as home_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    path("cabinet/", include("members.urls")),
    path("cabinet/", include("members.meetings.urls")),  # «Запись в реестре»; members does not import meetings
    path("search/", home_views.search, name="search"),
    path("sitemap.xml", home_sitemap.sitemap, name="sitemap"),
    path("robots.txt", home_sitemap.robots_txt, name="robots_txt"),
    path("favicon.ico", home_sitemap.favicon, name="favicon"),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [
    # Wagtail's own front-end login (private pages send visitors there) would be a second door
    # past allauth's rate limits and email confirmation: it leads to the one login instead.
    path("_util/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    path("", include(wagtail_urls)),
]
