"""«Реестр членов» in the admin menu, the link page, «Запросы документов» and «Правила общего собрания» in
the settings."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail_modeladmin.options import modeladmin_register

from members.meetings import request_admin
from members.meetings.admin_views import PersonLinkView
from members.meetings.modeladmins import PersonAdmin
from members.meetings.request_views import can_answer_requests

modeladmin_register(PersonAdmin)


@hooks.register("register_admin_urls")
def register_registry_admin_urls():
    return [path("meetings/person/<int:pk>/link/", PersonLinkView.as_view(), name="meetings_person_link")]


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
