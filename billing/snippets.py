"""Tariffs, articles, fee rates, expense categories and the смета: Wagtail snippets in the
«Бухгалтерия» menu, with safe exports."""

from wagtail.snippets.views.snippets import SnippetViewSet

from billing.exports import BillingSnippetIndexView
from billing.modeladmins import BILLING_MENU_HOOK
from billing.models import Article, BudgetLine, ExpenseCategory, FeeRate, PenaltyRule, Tariff


class BillingSnippetViewSet(SnippetViewSet):
    index_view_class = BillingSnippetIndexView
    menu_hook = BILLING_MENU_HOOK


class TariffViewSet(BillingSnippetViewSet):
    model = Tariff
    icon = "doc-full"
    menu_label = "Тарифы"
    menu_order = 60
    list_display = ("valid_from", "single_rate", "day_rate", "night_rate")
    list_export = ("valid_from", "single_rate", "day_rate", "night_rate")
    export_headings = {
        "valid_from": "Действует с",
        "single_rate": "Однотарифный, ₽/кВт·ч",
        "day_rate": "День, ₽/кВт·ч",
        "night_rate": "Ночь, ₽/кВт·ч",
    }
    ordering = ("-valid_from",)


class ArticleViewSet(BillingSnippetViewSet):
    model = Article
    icon = "list-ul"
    menu_label = "Статьи"
    menu_order = 61
    list_display = ("name", "kind", "year", "due_on", "sort_order")
    list_filter = ("kind", "year")
    search_fields = ("name",)
    list_export = ("name", "get_kind_display", "year", "due_on", "sort_order")
    export_headings = {
        "name": "Название",
        "get_kind_display": "Вид",
        "year": "Год",
        "due_on": "Оплатить до",
        "sort_order": "Порядок",
    }


class FeeRateViewSet(BillingSnippetViewSet):
    model = FeeRate
    icon = "decimal"
    menu_label = "Ставки взносов"
    menu_order = 62
    list_display = ("article", "basis", "rate", "accrue_on")
    list_export = ("article", "get_basis_display", "rate", "accrue_on")
    export_headings = {
        "article": "Статья",
        "get_basis_display": "Основа",
        "rate": "Ставка, ₽",
        "accrue_on": "Дата начисления",
    }

    def get_queryset(self, request):
        return FeeRate.objects.select_related("article")


class ExpenseCategoryViewSet(BillingSnippetViewSet):
    model = ExpenseCategory
    icon = "tag"
    menu_label = "Категории расходов"
    menu_order = 63
    list_display = ("name", "words", "sort_order")
    search_fields = ("name", "words")
    list_export = ("name", "words", "sort_order")
    export_headings = {"name": "Название", "words": "Слова для распознавания", "sort_order": "Порядок"}


class BudgetLineViewSet(BillingSnippetViewSet):
    model = BudgetLine
    icon = "clipboard-list"
    menu_label = "Смета"
    menu_order = 64
    list_display = ("year", "category", "amount")
    list_filter = ("year",)
    list_export = ("year", "category", "amount")
    export_headings = {"year": "Год", "category": "Категория", "amount": "План, ₽"}
    ordering = ("-year", "category__sort_order", "category__name")

    def get_queryset(self, request):
        return BudgetLine.objects.select_related("category")


class PenaltyRuleViewSet(BillingSnippetViewSet):
    model = PenaltyRule
    icon = "warning"
    menu_label = "Правила начисления пеней"
    menu_order = 65
    list_display = ("name", "rate", "grace_days", "cap", "valid_from", "valid_to")
    list_export = ("name", "rate", "grace_days", "get_cap_display", "cap_percent", "valid_from", "valid_to")
    export_headings = {
        "name": "Название",
        "rate": "% в день",
        "grace_days": "Льготных дней",
        "get_cap_display": "Ограничение",
        "cap_percent": "Предел, % долга",
        "valid_from": "Действует с",
        "valid_to": "Действует по",
    }
