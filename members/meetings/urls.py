"""The member's pages of the meetings app («Запись в реестре», «Копии документов»), mounted under /cabinet/
by cms.urls (members does not import it)."""

from django.urls import path, re_path

from members.meetings import request_views, views

app_name = "meetings"

urlpatterns = [
    path("registry/", views.registry_entry, name="registry"),
    path("meetings/", views.meeting_list, name="list"),
    # ASCII digits, at most nine (the id's range); anything else is no meeting: a 404
    re_path(r"^meetings/(?P<pk>[1-9][0-9]{0,8})/$", views.meeting_detail, name="meeting"),
    path("documents/", request_views.documents, name="documents"),
    # ASCII digits only: «١٢» or a 30-digit id is nobody's file, a 404
    re_path(r"^documents/files/(?P<pk>[1-9][0-9]{0,8})/$", request_views.answer_file, name="document_file"),
]
