"""The secretary's pages of a meeting in the admin: «Опубликовать уведомление» (with the notice by email
and SMS), «Подвести итоги», the results and the notice log. Each page asks for its own permission and
reads the meeting by the id in the URL, nothing else; the services in voting.py and notices.py decide."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView
from django_q.tasks import async_task
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from members.meetings import notices, voting
from members.meetings.meeting_admin import (
    NOTICES_PERMISSION,
    PUBLISH_PERMISSION,
    VIEW_BALLOTS_PERMISSION,
    meeting_links,
)
from members.meetings.models import Meeting, MeetingNotice, MeetingRules
from members.meetings.public import stored_tally
from members.meetings.selectors import ballot_table
from members.partnership import partnership_settings

NOTICE_TASK = "members.meetings.tasks.send_meeting_notices"
NOTICES_PER_PAGE = 200


class MeetingPageMixin(WagtailAdminTemplateMixin):
    """The meeting of the URL, for a user holding `permission`; `statuses` the page exists for."""

    permission = "meetings.view_meeting"
    statuses: tuple[str, ...] = (Meeting.Status.DRAFT, Meeting.Status.PUBLISHED, Meeting.Status.CLOSED)
    header_icon = "group"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not (user.is_active and user.has_perm(self.permission)):
            raise PermissionDenied
        self.meeting = Meeting.objects.filter(pk=kwargs["pk"]).first()
        if self.meeting is None:
            raise Http404("Такого собрания нет.")
        if self.meeting.status not in self.statuses:
            messages.warning(request, f"Собрание сейчас в состоянии «{self.meeting.get_status_display()}».")
            return redirect("meetings_meeting_modeladmin_index")
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.meeting)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("meetings_meeting_modeladmin_index"), "label": "Общие собрания"},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            meeting=self.meeting, links=meeting_links(self.request.user, self.meeting), **kwargs
        )

    def here(self) -> str:
        return self.request.path


def _notice_preview(request: HttpRequest, meeting: Meeting) -> dict:
    partnership = partnership_settings(request)
    host = notices.site_host(request.build_absolute_uri("/"))
    sms = notices.sms_notice_text(meeting, signature=partnership.short_name, host=host)
    people = notices.notice_recipients(meeting)
    return {
        "sms_text": sms,
        "sms_problem": ""
        if sms
        else notices.sms_too_long_message(meeting, signature=partnership.short_name, host=host),
        "recipients": people.count(),
        "with_email": people.exclude(email="").count(),
        "with_phone": people.exclude(phone="").count(),
    }


class PublishView(MeetingPageMixin, TemplateView):
    template_name = "meetings/admin/publish.html"
    page_title = "Опубликовать уведомление"
    permission = PUBLISH_PERMISSION
    statuses = (Meeting.Status.DRAFT,)

    def get_context_data(self, **kwargs):
        rules = MeetingRules.load()
        return super().get_context_data(
            problems=voting.publish_problems(self.meeting, timezone.localdate(), rules),
            no_materials=not self.meeting.materials.exists(),
            materials_deadline=self.meeting.materials_deadline(rules.materials_days),
            items=voting.items_for(self.meeting, voting.MEMBER),
            **_notice_preview(self.request, self.meeting),
            **kwargs,
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            with transaction.atomic():
                meeting = voting.publish(self.meeting.pk, request.user)
                filled = queue_notices(request, meeting)
        except voting.VoteRefused as refusal:
            messages.error(request, str(refusal))
            return redirect(self.here())
        messages.success(
            request,
            f"Уведомление опубликовано: повестка зафиксирована. В очереди писем: {filled.emails}, SMS: {filled.sms}.",
        )
        if filled.sms_problem:
            messages.warning(request, filled.sms_problem)
        return redirect("meetings_meeting_notices", pk=meeting.pk)


def queue_notices(request: HttpRequest, meeting: Meeting) -> notices.NoticeFill:
    """Fill the notice log and send it from a django-q2 task once the transaction commits."""
    partnership = partnership_settings(request)
    filled = notices.notices_fill(
        meeting_id=meeting.pk,
        base_url=request.build_absolute_uri("/"),
        partnership=partnership.full_name,
        signature=partnership.short_name,
    )
    transaction.on_commit(lambda: async_task(NOTICE_TASK, meeting.pk))
    return filled


class NoticesView(MeetingPageMixin, TemplateView):
    template_name = "meetings/admin/notices.html"
    page_title = "Уведомления о собрании"
    permission = NOTICES_PERMISSION
    statuses = (Meeting.Status.PUBLISHED, Meeting.Status.CLOSED)

    def get_context_data(self, **kwargs):
        rows = MeetingNotice.objects.filter(meeting=self.meeting).select_related("person")
        totals = {
            (row["channel"], row["status"]): row["n"]
            for row in rows.values("channel", "status").annotate(n=Count("pk")).order_by()
        }
        page = Paginator(rows.order_by("person__full_name", "channel", "pk"), NOTICES_PER_PAGE).get_page(
            self.request.GET.get("p")
        )
        summary = [
            {
                "channel": label,
                "counts": [(status_label, totals.get((channel, status), 0)) for status, status_label in STATUSES],
            }
            for channel, label in MeetingNotice.Channel.choices
        ]
        return super().get_context_data(
            page=page,
            summary=summary,
            can_send=self.meeting.is_published and self.request.user.has_perm(PUBLISH_PERMISSION),
            **kwargs,
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        """«Отправить неотправленные»: queue whoever is not in the log yet and send what is queued."""
        if not request.user.has_perm(PUBLISH_PERMISSION):
            raise PermissionDenied
        if not self.meeting.is_published:
            messages.error(request, "Уведомления рассылаются только по опубликованному собранию.")
            return redirect(self.here())
        with transaction.atomic():
            filled = queue_notices(request, self.meeting)
        messages.success(request, "Неотправленные уведомления поставлены в очередь; отправленные не повторяются.")
        if filled.sms_problem:
            messages.warning(request, filled.sms_problem)
        return redirect(self.here())


STATUSES = MeetingNotice.Status.choices


class CloseView(MeetingPageMixin, TemplateView):
    template_name = "meetings/admin/close.html"
    page_title = "Подвести итоги"
    permission = PUBLISH_PERMISSION
    statuses = (Meeting.Status.PUBLISHED,)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tally=voting.count_votes(self.meeting), **kwargs)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            voting.close(self.meeting.pk, request.user)
        except voting.VoteRefused as refusal:
            messages.error(request, str(refusal))
            return redirect(self.here())
        messages.success(request, "Итоги подведены: голоса больше не принимаются и не меняются.")
        return redirect("meetings_meeting_results", pk=self.meeting.pk)


class ResultsView(MeetingPageMixin, TemplateView):
    template_name = "meetings/admin/results.html"
    page_title = "Итоги собрания"
    statuses = (Meeting.Status.CLOSED,)

    def get_context_data(self, **kwargs):
        items = voting.items_for(self.meeting, voting.MEMBER)
        table = ballot_table(self.meeting, items) if self.request.user.has_perm(VIEW_BALLOTS_PERMISSION) else None
        counts = stored_tally(self.meeting, items).items  # the close's record, with «% за»
        return super().get_context_data(items=items, counts=counts, ballots=table, **kwargs)
