"""The treasurer's SMS screen in the Wagtail admin: the outbox with filters and counts,
a dry run that shows every message, «Отправить сейчас», and resend of failed rows."""

from django.contrib import messages
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import TemplateView
from django_q.tasks import async_task
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from billing.selectors import latest_closed_period
from members.posted import posted_ids
from members.sms.models import SmsMessage
from members.sms.plan import parse_period, previous_period, sms_plan
from members.sms.selectors import sms_outbox_listing
from members.sms.sending import sms_resend

VIEW_PERMISSION = "members.view_smsmessage"
SEND_PERMISSION = "members.change_smsmessage"
PAGE_SIZE = 200


def can_view_sms(user: AbstractBaseUser) -> bool:
    return user.is_active and user.has_perm(VIEW_PERMISSION)


class SmsOutboxView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "members/admin/sms.html"
    page_title = "SMS-рассылка"
    header_icon = "mail"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_view_sms(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def _filters(self) -> tuple[str, str]:
        period = self.request.GET.get("period", "").strip()
        try:
            parse_period(period)
        except ValueError:
            period = ""
        status = self.request.GET.get("status", "")
        return period, status if status in SmsMessage.Status.values else ""

    def get_context_data(self, **kwargs):
        period, status = self._filters()
        listing = sms_outbox_listing(period=period, status=status, limit=PAGE_SIZE)
        plan = None
        dry_run = self.request.GET.get("dry_run", "")
        if dry_run:
            try:
                plan = sms_plan(period=dry_run)
            except ValueError as exc:
                messages.error(self.request, str(exc))
        return super().get_context_data(
            rows=listing.rows,
            page_size=PAGE_SIZE,
            period=period,
            status=status,
            statuses=listing.statuses,
            total=listing.total,
            periods=listing.periods,
            default_period=(plan.period if plan else "") or period or latest_closed_period() or previous_period(),
            plan=plan,
            can_send=self.request.user.has_perm(SEND_PERMISSION),
            **kwargs,
        )

    @staticmethod
    def _send(request: HttpRequest, period: str, confirmed: str) -> None:
        """Sending is irreversible: it goes only as the dry run showed it, with the count the
        treasurer confirmed; if the count has changed since, the treasurer looks again."""
        try:
            plan = sms_plan(period=period)
        except ValueError as exc:
            messages.error(request, str(exc))
            return
        count = len(plan.new)
        if not (confirmed.isascii() and confirmed.isdigit() and len(confirmed) <= 9) or int(confirmed) != count:
            messages.error(
                request,
                f"Рассылка за {period} не отправлена: сейчас к отправке {count} сообщ., это не то число, "
                "что вы подтвердили. Сделайте пробный запуск ещё раз.",
            )
        elif count == 0:
            messages.error(request, f"За {period} отправлять нечего.")
        else:
            transaction.on_commit(lambda: async_task("members.tasks.send_monthly_sms", period))
            messages.success(request, f"Рассылка за {period} поставлена в очередь задач: {count} сообщ.")

    def post(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm(SEND_PERMISSION):
            raise PermissionDenied
        action = request.POST.get("action", "")
        if action == "send":
            self._send(request, request.POST.get("period", "").strip(), request.POST.get("confirm_count", ""))
        elif action == "resend":
            ids = posted_ids(request.POST.getlist("message"))
            changed = sms_resend(message_ids=ids)
            if changed:
                transaction.on_commit(lambda: async_task("members.tasks.send_sms_outbox"))
                messages.success(request, f"Снова в очереди: {changed}.")
            else:
                messages.error(request, "Отметьте сообщения с ошибкой или неизвестным статусом.")
        else:
            messages.error(request, "Неизвестное действие.")
        return redirect(f"{reverse('members_sms')}?{request.GET.urlencode()}")
