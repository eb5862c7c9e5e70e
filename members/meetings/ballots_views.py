"""«Регистрация и бюллетени»: at the desk of the meeting the secretary finds a person by ФИО or plot
number, registers them as present (in person or by a representative) and enters their paper ballot; the
panel shows how many members take part against the quorum. The person and the items come from the
registry and the agenda, never from the form: forged ids are refused by voting.py."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.generic import TemplateView

from members.meetings import voting
from members.meetings.meeting_admin import BALLOTS_PERMISSION, VIEW_BALLOTS_PERMISSION
from members.meetings.models import Meeting, Person, Vote
from members.meetings.secretary_views import MeetingPageMixin
from members.meetings.selectors import eligible_people, find_people, person_ballot
from members.posted import posted_ids


def posted_choices(data) -> dict[int, str]:
    """{item id: choice} from the radios `item-<id>`; an item left blank is not voted on."""
    choices = {}
    for key, value in data.items():
        if key.startswith("item-"):
            ids = posted_ids([key.removeprefix("item-")])
            if ids:
                choices[ids[0]] = value
    return choices


class BallotsView(MeetingPageMixin, TemplateView):
    template_name = "meetings/admin/ballots.html"
    page_title = "Регистрация и бюллетени"
    permission = BALLOTS_PERMISSION
    statuses = (Meeting.Status.PUBLISHED,)

    def _person(self, value) -> Person | None:
        ids = posted_ids([value] if isinstance(value, str) else [])
        return eligible_people(self.meeting).filter(pk=ids[0]).first() if ids else None

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "")
        person = self._person(self.request.GET.get("person", ""))
        tally = voting.turnout(self.meeting)
        return super().get_context_data(
            query=query,
            found=find_people(self.meeting, query),
            ballot=person_ballot(self.meeting, person) if person else None,
            tally=tally,
            more_needed=max(tally.quorum_needed - tally.members_present, 0),
            choices=Vote.Choice.choices,
            show_choices=self.request.user.has_perm(VIEW_BALLOTS_PERMISSION),
            **kwargs,
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        person = self._person(request.POST.get("person", ""))
        if person is None:
            messages.error(request, "Такого человека нет среди членов и собственников на дату собрания.")
            return redirect(self.here())
        back = f"{self.here()}?person={person.pk}"
        try:
            if request.POST.get("action") == "attend":
                attendance = voting.register_attendance(
                    self.meeting.pk, person.pk, request.user, request.POST.get("representative", "")
                )
                by = f" (представитель: {attendance.representative})" if attendance.representative else ""
                messages.success(request, f"{person.full_name} зарегистрирован(а) как присутствующий{by}.")
            else:
                saved = voting.enter_paper(self.meeting.pk, person.pk, posted_choices(request.POST), request.user)
                replaced = sum(1 for vote in saved if vote.online_choice)
                note = f" Заменено голосов, поданных на сайте: {replaced}." if replaced else ""
                messages.success(request, f"Бюллетень {person.full_name} внесён: вопросов {len(saved)}.{note}")
        except voting.VoteRefused as refusal:
            messages.error(request, str(refusal))
        return redirect(back)
