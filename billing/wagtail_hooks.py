"""The treasurer's «Бухгалтерия» menu: modeladmin lists, tariff/article/fee-rate snippets,
the import pages, the fee and penalty accruals and the debtors report. Only people with billing
permissions see it."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail_modeladmin.options import modeladmin_register

from billing import admin_views, debtor_views, line_views, penalty_views, statement_views
from billing.admin_views import IMPORT_PERMISSION
from billing.modeladmins import BILLING_MENU_HOOK, BillingGroup
from billing.snippets import (
    ArticleViewSet,
    BudgetLineViewSet,
    ExpenseCategoryViewSet,
    FeeRateViewSet,
    PenaltyRuleViewSet,
    TariffViewSet,
)

modeladmin_register(BillingGroup)

register_snippet(TariffViewSet)
register_snippet(ArticleViewSet)
register_snippet(FeeRateViewSet)
register_snippet(ExpenseCategoryViewSet)
register_snippet(BudgetLineViewSet)
register_snippet(PenaltyRuleViewSet)


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(IMPORT_PERMISSION)


@hooks.register(BILLING_MENU_HOOK)
def register_import_menu_item():
    return ImportMenuItem("Импорт из файла", reverse("billing_import_index"), icon_name="upload", order=50)


class QueueMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(statement_views.QUEUE_PERMISSION)


@hooks.register(BILLING_MENU_HOOK)
def register_queue_menu_item():
    return QueueMenuItem("Неразобранные платежи", reverse("billing_statement_queue"), icon_name="warning", order=40)


class FinanceMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("billing.view_banktransaction")


@hooks.register(BILLING_MENU_HOOK)
def register_finance_menu_item():
    return FinanceMenuItem("Доходы и расходы", reverse("billing_finance_report"), icon_name="table", order=45)


class PenaltiesMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.ACCRUE_PERMISSION)


@hooks.register(BILLING_MENU_HOOK)
def register_penalties_menu_item():
    return PenaltiesMenuItem("Начислить пени", reverse("billing_accrue_penalties"), icon_name="warning", order=66)


class DebtorsMenuItem(MenuItem):
    def is_shown(self, request):
        return debtor_views.can_view_debtors(request.user)


@hooks.register(BILLING_MENU_HOOK)
def register_debtors_menu_item():
    return DebtorsMenuItem("Должники", reverse("billing_debtors"), icon_name="warning", order=67)


class ReadingsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(line_views.READINGS_PERMISSION)


@hooks.register(BILLING_MENU_HOOK)
def register_estimates_menu_item():
    return ReadingsMenuItem("Расчётные показания", reverse("billing_estimate_readings"), icon_name="time", order=70)


class BalanceMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("billing.view_mainreading")


@hooks.register(BILLING_MENU_HOOK)
def register_balance_menu_item():
    return BalanceMenuItem("Баланс электроэнергии", reverse("billing_line_balance"), icon_name="pick", order=71)


@hooks.register(BILLING_MENU_HOOK)
def register_losses_menu_item():
    return PenaltiesMenuItem("Распределить потери", reverse("billing_allocate_losses"), icon_name="pick", order=72)


@hooks.register("register_admin_urls")
def register_billing_admin_urls():
    return [
        path("billing/import/", admin_views.ImportIndexView.as_view(), name="billing_import_index"),
        path("billing/import/<str:kind>/", admin_views.ImportUploadView.as_view(), name="billing_import"),
        path(
            "billing/import/<str:kind>/confirm/",
            admin_views.ImportConfirmView.as_view(),
            name="billing_import_confirm",
        ),
        path(
            "billing/import/<str:kind>/example.<str:fmt>",
            admin_views.import_example,
            name="billing_import_example",
        ),
        path("billing/accrue/", admin_views.AccrueFeesView.as_view(), name="billing_accrue"),
        path("billing/penalties/", penalty_views.AccruePenaltiesView.as_view(), name="billing_accrue_penalties"),
        path("billing/debtors/", debtor_views.DebtorsView.as_view(), name="billing_debtors"),
        path("billing/estimates/", line_views.EstimateReadingsView.as_view(), name="billing_estimate_readings"),
        path("billing/meters/replace/", line_views.MeterReplacementView.as_view(), name="billing_replace_meter"),
        path("billing/balance/", line_views.LineBalanceReportView.as_view(), name="billing_line_balance"),
        path("billing/losses/", line_views.LossAllocationView.as_view(), name="billing_allocate_losses"),
        path("billing/finance/", statement_views.FinanceReportView.as_view(), name="billing_finance_report"),
        path("billing/statement/queue/", statement_views.QueueView.as_view(), name="billing_statement_queue"),
        path(
            "billing/statement/queue/<int:pk>/",
            statement_views.AssignView.as_view(),
            name="billing_statement_assign",
        ),
        path(
            "billing/statement/<int:batch_id>/undo/",
            statement_views.UndoView.as_view(),
            name="billing_statement_undo",
        ),
    ]
