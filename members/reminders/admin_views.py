"""«Напоминания должникам» in the treasurer's «Бухгалтерия»: a preview of who would be reminded
on a date (nothing sent), «Отправить напоминания» with the count the treasurer saw, and each
round's log of who was reminded, by which channel, and what became of it."""

import datetime
import re

from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import re_path, reverse
from django.utils import timezone
from django.views.generic import TemplateView
from django_q.tasks import async_task
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from members.reminders.models import DebtReminder, ReminderRound
from members.reminders.plan import reminder_plan
from members.reminders.service import new_round_key, reminder_round_start
from members.reminders.text import longest_sample
from members.sms.segments import sms_segments

VIEW_PERMISSION = "members.view_reminderround"
SEND_PERMISSION = "members.add_reminderround"
ROUNDS_SHOWN = 20
REFRESH_SECONDS = 3
ROWS_PER_PAGE = 100  # a round of 3,000 plots is read page by page
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
KEY = re.compile(r"[0-9a-f]{32}", re.ASCII)
TASK = "members.tasks.send_debt_reminders"


def can_view_reminders(user: AbstractBaseUser) -> bool:
    return user.is_active and user.has_perm(VIEW_PERMISSION)


def parse_on(value: object) -> datetime.date | None:
    """Only `2024-05-31`: no other spelling, no Unicode digits."""
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


class RemindersPermissionMixin:
    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_view_reminders(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class RemindersView(RemindersPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "members/admin/reminders.html"
    page_title = "Напоминания должникам"
    header_icon = "mail"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        plan, on = None, today
        if "on" in self.request.GET:
            on = parse_on(self.request.GET["on"].strip())
            if on is None:
                messages.error(self.request, "Дата долга указывается как ГГГГ-ММ-ДД, например 2024-07-01.")
                on = today
            else:
                plan = reminder_plan(on=on)
        sample = ""
        if plan is not None and not plan.errors:
            sample = longest_sample(plan.sms_template, signature=plan.signature)
        return super().get_context_data(
            plan=plan,
            on=on,
            today=today,
            key=new_round_key(),
            sample=sample,
            sample_segments=sms_segments(sample) if sample else 0,
            rounds=ReminderRound.objects.select_related("created_by")[:ROUNDS_SHOWN],
            can_send=self.request.user.has_perm(SEND_PERMISSION),
            **kwargs,
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm(SEND_PERMISSION):
            raise PermissionDenied
        if request.POST.get("action", "") != "send":
            messages.error(request, "Неизвестное действие.")
            return redirect("members_reminders")
        on, key = parse_on(request.POST.get("on", "")), request.POST.get("key", "")
        if on is None or not KEY.fullmatch(key):
            messages.error(request, "Напоминания не отправлены: откройте предпросмотр и подтвердите отправку из него.")
            return redirect("members_reminders")
        done = ReminderRound.objects.filter(key=key).first()
        if done is not None:  # a second click of the same preview
            messages.info(request, "Эти напоминания уже отправлены: повторно ничего не ушло.")
            return redirect("members_reminder_round", pk=done.pk)
        return self._send(request, on, key, request.POST.get("confirm_count", ""))

    @staticmethod
    def _send(request: HttpRequest, on: datetime.date, key: str, confirmed: str) -> HttpResponse:
        """Sending is irreversible: it goes only as the preview showed it, with the count the
        treasurer confirmed; if the count has changed since, the treasurer looks again."""
        plan = reminder_plan(on=on)
        again = f"{reverse('members_reminders')}?on={on.isoformat()}"
        if plan.errors:
            for error in plan.errors:
                messages.error(request, error)
            return redirect(again)
        count = plan.count
        if not (confirmed.isascii() and confirmed.isdigit() and len(confirmed) <= 9) or int(confirmed) != count:
            messages.error(
                request,
                f"Напоминания не отправлены: сейчас к отправке {count}, это не то число, что вы подтвердили "
                "(кто-то оплатил или изменил согласие). Посмотрите предпросмотр ещё раз.",
            )
            return redirect(again)
        if count == 0:
            messages.error(request, "Напоминать некому.")
            return redirect(again)
        round_, created = reminder_round_start(plan=plan, key=key, user=request.user)
        if created:
            base_url = request.build_absolute_uri("/")
            transaction.on_commit(lambda: async_task(TASK, round_.pk, base_url))
            messages.success(request, f"Напоминания поставлены в очередь задач: {count}.")
        else:
            messages.info(request, "Эти напоминания уже отправлены: повторно ничего не ушло.")
        return redirect("members_reminder_round", pk=round_.pk)


class RoundView(RemindersPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    """A round's log: every plot and channel with its status; the page reloads itself while the
    task sends."""

    template_name = "members/admin/reminder_round.html"
    header_icon = "mail"

    def get_page_title(self):
        return f"Напоминания должникам: рассылка № {self.kwargs['pk']}"

    def get_breadcrumbs_items(self):
        index = {"url": reverse("members_reminders"), "label": "Напоминания должникам"}
        return [*self.breadcrumbs_items, index, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        round_ = get_object_or_404(ReminderRound.objects.select_related("created_by"), pk=self.kwargs["pk"])
        rows = DebtReminder.objects.filter(round=round_).select_related("plot", "user", "sms")
        page = Paginator(rows.order_by("plot__number", "channel", "pk"), ROWS_PER_PAGE).get_page(
            self.request.GET.get("p")
        )
        return super().get_context_data(
            round=round_,
            rows=page.paginator.count,
            page=page,
            running=round_.status != ReminderRound.Status.DONE,
            refresh=REFRESH_SECONDS,
            can_send=self.request.user.has_perm(SEND_PERMISSION),
            **kwargs,
        )

    def post(self, request: HttpRequest, pk: str) -> HttpResponse:
        """«Продолжить отправку»: what the round still has planned (after a stopped task); what
        was sent is never sent again."""
        if not request.user.has_perm(SEND_PERMISSION):
            raise PermissionDenied
        round_ = get_object_or_404(ReminderRound, pk=pk)
        if round_.reminders.filter(status=DebtReminder.Status.PLANNED).exists():
            base_url = request.build_absolute_uri("/")
            transaction.on_commit(lambda: async_task(TASK, round_.pk, base_url))
            messages.success(request, "Отправка оставшихся напоминаний поставлена в очередь задач.")
        else:
            messages.error(request, "В этой рассылке не осталось неотправленных напоминаний.")
        return redirect("members_reminder_round", pk=round_.pk)


def admin_urls() -> list:
    return [
        re_path(r"^reminders/$", RemindersView.as_view(), name="members_reminders"),
        re_path(r"^reminders/(?P<pk>[0-9]{1,9})/$", RoundView.as_view(), name="members_reminder_round"),
    ]
