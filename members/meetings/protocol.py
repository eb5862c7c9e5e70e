"""The protocol of a general meeting as PDF (217-ФЗ ст. 17 ч. 25, ГК РФ ст. 181.2 ч. 4): the partnership,
kind, form, date, time and place, the members on the date and those who took part, the quorum, and per
item the wording, the majority, за / против / воздержались and the decision; lines for the chair's and
the secretary's signatures. Made only for a closed meeting, from the numbers written at the close, by a
Django template and WeasyPrint (cms.pdf), as the акт сверки. No names of voters: the same PDF goes to
the secretary in the admin and to anyone from the public page."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import re_path
from django.utils import timezone
from django.views.decorators.http import require_safe

from cms.pdf import PRINT_CSS, html_pdf, pdf_response
from members.meetings.models import Meeting
from members.meetings.public import PublicMeeting, closed_meeting
from members.partnership import partnership_settings

PROTOCOL_TEMPLATE = "meetings/protocol.html"
STYLESHEETS = (PRINT_CSS, "css/protocol-print.css")
PERMISSIONS = ("meetings.view_meeting", "meetings.publish_meeting")  # either: the secretary, the board
KIND_GENITIVE = {Meeting.Kind.REGULAR: "очередного", Meeting.Kind.EXTRAORDINARY: "внеочередного"}


@dataclass(frozen=True)
class ProtocolDocument:
    shown: PublicMeeting  # closed: `shown.tally` holds the numbers
    partnership_name: str
    made_on: datetime.date

    @property
    def kind(self) -> str:
        """«очередного» / «внеочередного»: the title reads «Протокол очередного общего собрания…»."""
        return KIND_GENITIVE.get(self.shown.meeting.kind, "")


def protocol_html(document: ProtocolDocument) -> str:
    shown = document.shown
    context = {
        "protocol": document,
        "meeting": shown.meeting,
        "tally": shown.tally,
        "items": shown.items,
        "results": shown.results,
    }
    return render_to_string(PROTOCOL_TEMPLATE, context)


def protocol_pdf(document: ProtocolDocument, *, base_url: str) -> bytes:
    """A4 with a text layer."""
    return html_pdf(protocol_html(document), base_url=base_url, stylesheets=STYLESHEETS)


def protocol_file_name(meeting: Meeting) -> str:
    """«protokol-sobraniya-2027-05-29.pdf»: ASCII, so every browser keeps it."""
    return f"protokol-sobraniya-{meeting.date:%Y-%m-%d}.pdf"


def protocol_response(request: HttpRequest, shown: PublicMeeting, *, private: bool) -> HttpResponse:
    """The protocol as a download (the caller has found the meeting closed and checked who may see it)."""
    if not shown.is_closed:
        raise ValueError("Протокол составляется только по собранию с подведёнными итогами.")
    meeting = shown.meeting
    made_on = timezone.localdate(meeting.closed_at) if meeting.closed_at else meeting.date
    document = ProtocolDocument(shown=shown, partnership_name=partnership_settings(request).full_name, made_on=made_on)
    base_url = request.build_absolute_uri("/")
    return pdf_response(protocol_pdf(document, base_url=base_url), protocol_file_name(meeting), private=private)


def can_view_protocol(user: AbstractBaseUser) -> bool:
    return user.is_active and any(user.has_perm(permission) for permission in PERMISSIONS)


@require_safe
def protocol_admin_view(request: HttpRequest, pk: str) -> HttpResponse:
    """admin/meetings/meeting/<pk>/protocol.pdf: the secretary's copy; 404 until the meeting is closed."""
    if not can_view_protocol(request.user):
        raise PermissionDenied
    shown = closed_meeting(int(pk))
    if shown is None:
        raise Http404("Протокол составляется после подведения итогов собрания.")
    return protocol_response(request, shown, private=True)


admin_urls = [
    re_path(
        r"^meetings/meeting/(?P<pk>[1-9][0-9]{0,8})/protocol\.pdf$", protocol_admin_view, name="meetings_protocol"
    ),
]
