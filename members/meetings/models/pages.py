"""«Общие собрания»: the public page of the general meetings (217-ФЗ ст. 17 ч. 13: the notice is put on
the site), placed by the editors under the home page or a text page. It lists the published and closed
meetings, never a draft; a meeting's own address (`<page>/<id>/`) shows its whole notice and, once the
results are in, the results and the protocol as PDF (`<page>/<id>/protocol/`). Totals only: who voted
how is personal data."""

from django.db import models
from django.http import Http404
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.models import Page

# ASCII digits, at most nine: inside every database's integer (a longer or Unicode id finds no route: 404)
MEETING_ID = r"(?P<meeting_id>[1-9][0-9]{0,8})"


class MeetingsPage(RoutablePageMixin, Page):
    intro = models.TextField(
        "вступление", blank=True, help_text="Например: как проходят собрания и где висит доска объявлений."
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage", "home.ContentPage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1
    template = "meetings/meetings_page.html"

    class Meta:
        verbose_name = "общие собрания"
        verbose_name_plural = "страницы «Общие собрания»"

    def _linked(self, request, shown):
        """The public meeting with its own address and, when closed, its protocol's."""
        from dataclasses import replace

        base = self.get_url(request) or ""  # a page not yet saved (the editor's preview) has no address
        url = base + self.reverse_subpage("meeting", kwargs={"meeting_id": shown.meeting.pk})
        protocol = base + self.reverse_subpage("protocol", kwargs={"meeting_id": shown.meeting.pk})
        return replace(shown, url=url, protocol_url=protocol if shown.is_closed else "")

    @path("", name="index")
    def index(self, request):
        from members.meetings.public import public_meetings  # imports the models: not at load time

        meetings = [self._linked(request, shown) for shown in public_meetings()]
        return self.render(request, context_overrides={"meetings": meetings})

    @re_path(rf"^{MEETING_ID}/$", name="meeting")
    def meeting(self, request, meeting_id):
        from members.meetings.public import public_meeting

        shown = public_meeting(int(meeting_id))
        if shown is None:
            raise Http404("Такого собрания нет.")
        return self.render(
            request,
            template="meetings/meeting_page.html",
            context_overrides={"shown": self._linked(request, shown)},
        )

    @re_path(rf"^{MEETING_ID}/protocol/$", name="protocol")  # Wagtail serves no path with a dot in it
    def protocol(self, request, meeting_id):
        """The protocol has no names in it, so a closed meeting's is public (ст. 17 ч. 25: members may read it)."""
        from members.meetings.protocol import protocol_response
        from members.meetings.public import closed_meeting

        shown = closed_meeting(int(meeting_id))
        if shown is None:
            raise Http404("Протокол составляется после подведения итогов собрания.")
        return protocol_response(request, shown, private=False)
