"""«Реестр членов», «Общие собрания» and «Запросы документов» in the admin menu, their pages (a closed
meeting's protocol as PDF among them), and «Правила общего собрания» in the settings."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail_modeladmin.options import modeladmin_register

from members.meetings import protocol, request_admin
from members.meetings import secretary_views as secretary
from members.meetings.admin_views import PersonLinkView
from members.meetings.ballots_views import BallotsView
from members.meetings.meeting_admin import MeetingAdmin
from members.meetings.modeladmins import PersonAdmin
from members.meetings.request_views import can_answer_requests

modeladmin_register(PersonAdmin)
modeladmin_register(MeetingAdmin)


@hooks.register("register_admin_urls")
def register_registry_admin_urls():
    return [
        path("meetings/person/<int:pk>/link/", PersonLinkView.as_view(), name="meetings_person_link"),
        path("meetings/meeting/<int:pk>/publish/", secretary.PublishView.as_view(), name="meetings_meeting_publish"),
        path("meetings/meeting/<int:pk>/ballots/", BallotsView.as_view(), name="meetings_meeting_ballots"),
        path("meetings/meeting/<int:pk>/close/", secretary.CloseView.as_view(), name="meetings_meeting_close"),
        path("meetings/meeting/<int:pk>/results/", secretary.ResultsView.as_view(), name="meetings_meeting_results"),
        path("meetings/meeting/<int:pk>/notices/", secretary.NoticesView.as_view(), name="meetings_meeting_notices"),
    ]


class DocumentRequestsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_answer_requests(request.user)


@hooks.register("register_admin_urls")
def register_document_request_admin_urls():
    return request_admin.admin_urls()


@hooks.register("register_admin_menu_item")
def register_document_requests_menu_item():
    return DocumentRequestsMenuItem(
        "Запросы документов", reverse(request_admin.QUEUE), icon_name="doc-full", order=265
    )


@hooks.register("register_admin_urls")
def register_protocol_admin_urls():
    """The protocol of a closed meeting as PDF, for the secretary (members.meetings.protocol)."""
    return protocol.admin_urls
