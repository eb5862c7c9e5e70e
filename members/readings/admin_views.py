"""«Показания садоводов» in the treasurer's «Бухгалтерия»: the submissions with their photo, the
meter's last reading and the consumption they imply; accept or reject one by one or in bulk."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from billing.models import Reading
from members.posted import posted_ids
from members.readings.models import ReadingSubmission
from members.readings.services import Decision, accept_submissions, reject_submissions

PERMISSIONS = ("billing.add_reading", "billing.change_reading")  # the «Казначей» group's; editors have neither
PER_PAGE = 50
REASON_MAX = 255
SUPERSEDED_NOTE = "показание уже загружено из файла"


def can_review_readings(user: AbstractBaseUser) -> bool:
    return user.is_active and user.has_perms(PERMISSIONS)


@dataclass(frozen=True)
class QueueRow:
    submission: ReadingSubmission
    last_on: object
    last_day: int | None
    last_night: int | None
    in_file: bool  # a reading for that meter and date exists already (loaded from a file)

    @property
    def usage(self) -> int | None:
        if self.last_day is None:
            return None
        return self.submission.total - self.last_day - (self.last_night or 0)


def queue_rows(submissions) -> list[QueueRow]:
    """One query for the page's rows, with the last reading before each submission's date."""
    last = Reading.objects.filter(meter=OuterRef("meter"), taken_on__lt=OuterRef("taken_on")).order_by("-taken_on")
    same_date = Reading.objects.filter(meter=OuterRef("meter"), taken_on=OuterRef("taken_on"))
    rows = submissions.select_related("meter__plot", "submitted_by", "decided_by").annotate(
        last_on=Subquery(last.values("taken_on")[:1]),
        last_day=Subquery(last.values("day")[:1]),
        last_night=Subquery(last.values("night")[:1]),
        in_file=Exists(same_date),
    )
    return [QueueRow(s, s.last_on, s.last_day, s.last_night, s.in_file) for s in rows]


class ReadingQueueView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "members/admin/readings.html"
    page_title = "Показания садоводов"
    header_icon = "pick"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_review_readings(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def status(self) -> str:
        status = self.request.GET.get("status", ReadingSubmission.Status.PENDING)
        return status if status in ReadingSubmission.Status.values or status == "all" else "pending"

    def get_context_data(self, **kwargs):
        status = self.status()
        submissions = ReadingSubmission.objects.order_by("submitted_at", "pk")
        if status != "all":
            submissions = submissions.filter(status=status)
        paginator = Paginator(submissions, PER_PAGE)
        page = paginator.get_page(self.request.GET.get("p"))
        rows = queue_rows(submissions[page.start_index() - 1 : page.end_index()]) if paginator.count else []
        return super().get_context_data(
            rows=rows,
            page=page,
            status=status,
            statuses=[("pending", "ждут проверки"), *ReadingSubmission.Status.choices[1:], ("all", "все")],
            pending=status == ReadingSubmission.Status.PENDING,
            query=urlencode({"status": status}),
            **kwargs,
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        data = request.POST
        one_accept, one_reject = posted_ids([data.get("accept_one", "")]), posted_ids([data.get("reject_one", "")])
        action = data.get("action", "")
        if one_accept:
            ids, action = one_accept, "accept"
        elif one_reject:
            ids, action = one_reject, "reject"
        else:
            ids = posted_ids(data.getlist("ids"))
        if action not in ("accept", "reject") or not ids:
            messages.error(request, "Отметьте показания и выберите действие.")
            return self._back()
        if action == "accept":
            self._report(accept_submissions(ids=ids, user=request.user))
            return self._back()
        common = data.get("reason", "").strip()[:REASON_MAX]
        reasons = {pk: data.get(f"reason-{pk}", "").strip()[:REASON_MAX] or common for pk in ids}
        if not all(reasons.values()):
            messages.error(request, "Укажите причину отказа: садовод увидит её на своей странице.")
            return self._back()
        self._report(reject_submissions(reasons=reasons, user=request.user))
        return self._back()

    def _back(self) -> HttpResponse:
        query = self.request.GET.urlencode()
        return redirect(reverse("members_readings") + (f"?{query}" if query else ""))

    def _report(self, decision: Decision) -> None:
        request = self.request
        if decision.accepted:
            messages.success(request, f"Принято показаний: {len(decision.accepted)}.")
        if decision.rejected:
            messages.success(request, f"Отклонено показаний: {len(decision.rejected)}.")
        for submission in decision.superseded:
            meter = submission.meter
            messages.warning(
                request,
                f"Участок {meter.plot.number}, счётчик {meter.serial or meter.pk}: {SUPERSEDED_NOTE} "
                f"на {submission.taken_on:%d.%m.%Y}, показание садовода не учтено.",
            )
        if decision.skipped:
            messages.warning(request, f"Уже решено раньше или не найдено: {decision.skipped}.")


def admin_urls() -> list:
    return [path("members/readings/", ReadingQueueView.as_view(), name="members_readings")]
