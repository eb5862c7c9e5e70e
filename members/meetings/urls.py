"""The member's pages of the meetings app, mounted under /cabinet/ by cms.urls (members does not import it)."""

from django.urls import path

from members.meetings import views

app_name = "meetings"

urlpatterns = [
    path("registry/", views.registry_entry, name="registry"),
]
