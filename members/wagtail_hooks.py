from django.urls import path, reverse
from django.views.generic import RedirectView
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from billing.models.debts import REMINDER_SMS_CHECK_HOOK
from members.admin_views import ClaimsView, can_review_claims
from members.readings import admin_views as readings
from members.reconciliation import admin_views as reconciliation
from members.reminders import admin_views as reminders
from members.reminders.text import sms_text_problem
from members.sms.admin_views import SmsOutboxView, can_view_sms


class ClaimsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_review_claims(request.user)


@hooks.register("register_admin_urls")
def register_admin_urls():
    # Registered before Wagtail's own login/ and password_reset/ and wrapped in its admin-access
    # check: a visitor is sent to the allauth login (rate limits, confirmed email), a signed-in
    # staff member goes on to the dashboard. The admin has no second door.
    return [
        path("claims/", ClaimsView.as_view(), name="members_claims"),
        path("sms/", SmsOutboxView.as_view(), name="members_sms"),
        path("login/", RedirectView.as_view(pattern_name="wagtailadmin_home"), name="members_admin_login"),
        path(
            "password_reset/",
            RedirectView.as_view(pattern_name="account_reset_password"),
            name="members_admin_password_reset",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_claims_menu_item():
    return ClaimsMenuItem("Заявки на участки", reverse("members_claims"), icon_name="user", order=850)


class SmsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_view_sms(request.user)


@hooks.register("register_billing_menu_item")
def register_sms_menu_item():
    # in the treasurer's «Бухгалтерия» menu (a hook billing offers; billing does not import members)
    return SmsMenuItem("SMS-рассылка", reverse("members_sms"), icon_name="mail", order=900)


class ReconciliationMenuItem(MenuItem):
    def is_shown(self, request):
        return reconciliation.can_view_reconciliation(request.user)


@hooks.register("register_admin_urls")
def register_reconciliation_admin_urls():
    # under admin/billing/ and named billing_*: the акт is billing's, its requisites members' (see the module)
    return reconciliation.admin_urls()


@hooks.register("register_billing_menu_item")
def register_reconciliation_menu_item():
    item = "Акты сверки"
    return ReconciliationMenuItem(item, reverse("billing_reconciliation_index"), icon_name="doc-full", order=60)


class RemindersMenuItem(MenuItem):
    def is_shown(self, request):
        return reminders.can_view_reminders(request.user)


@hooks.register("register_admin_urls")
def register_reminders_admin_urls():
    return reminders.admin_urls()


@hooks.register("register_billing_menu_item")
def register_reminders_menu_item():
    return RemindersMenuItem("Напоминания должникам", reverse("members_reminders"), icon_name="warning", order=910)


@hooks.register(REMINDER_SMS_CHECK_HOOK)
def reminder_sms_fits_one_part(text: str) -> str | None:
    # billing's «Сроки оплаты и напоминания» asks; the SMS parts are counted here
    return sms_text_problem(text)


class ReadingsMenuItem(MenuItem):
    def is_shown(self, request):
        return readings.can_review_readings(request.user)


@hooks.register("register_admin_urls")
def register_readings_admin_urls():
    return readings.admin_urls()


@hooks.register("register_billing_menu_item")
def register_readings_menu_item():
    return ReadingsMenuItem("Показания садоводов", reverse("members_readings"), icon_name="pick", order=55)
