"""«Реестр членов» in the admin menu, the link page, «Правила общего собрания» in the settings, and the
protocol of a closed meeting as PDF."""

from django.urls import path
from wagtail import hooks
from wagtail_modeladmin.options import modeladmin_register

from members.meetings import protocol
from members.meetings.admin_views import PersonLinkView
from members.meetings.modeladmins import PersonAdmin

modeladmin_register(PersonAdmin)


@hooks.register("register_admin_urls")
def register_registry_admin_urls():
    return [path("meetings/person/<int:pk>/link/", PersonLinkView.as_view(), name="meetings_person_link")]


@hooks.register("register_admin_urls")
def register_protocol_admin_urls():
    """The protocol of a closed meeting as PDF, for the secretary (members.meetings.protocol)."""
    return protocol.admin_urls
