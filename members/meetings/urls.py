"""The member's pages of the meetings app, mounted under /cabinet/ by cms.urls (members does not import it)."""

from django.urls import path, re_path

from members.meetings import views

app_name = "meetings"

urlpatterns = [
    path("registry/", views.registry_entry, name="registry"),
    path("meetings/", views.meeting_list, name="list"),
    # ASCII digits, at most nine (the id's range); anything else is no meeting: a 404
    re_path(r"^meetings/(?P<pk>[1-9][0-9]{0,8})/$", views.meeting_detail, name="meeting"),
]
