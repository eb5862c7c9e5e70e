"""Public pages defined by billing, placed by the editors where they like (e.g. under «Финансы»)."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page


class FinancePage(Page):
    """«Доходы и расходы»: where the money goes — income by article and expenses by category, per
    month and for the year, against the смета. Aggregates only: no person, plot or account."""

    intro = models.TextField("вступление", blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types: list[str] = []
    template = "billing/finance_page.html"

    class Meta:
        verbose_name = "доходы и расходы"
        verbose_name_plural = "страницы «Доходы и расходы»"

    def get_context(self, request, *args, **kwargs):
        from billing.finance import MONTHS, asked_year, finance_year  # imports the models: not at load time

        context = super().get_context(request, *args, **kwargs)
        context["report"] = finance_year(asked_year(request.GET.get("year", "")))
        context["months"] = MONTHS
        return context


class LineBalancePage(Page):
    """«Баланс электроэнергии»: the main meters against the plots' meters per month, the loss in kWh,
    percent and roubles, for the last 24 months. Aggregates only: no plot is named."""

    intro = models.TextField("вступление", blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage", "home.ContentPage"]
    subpage_types: list[str] = []
    template = "billing/line_balance_page.html"

    class Meta:
        verbose_name = "баланс электроэнергии"
        verbose_name_plural = "страницы «Баланс электроэнергии»"

    def get_context(self, request, *args, **kwargs):
        from billing.line_balance import line_balance  # imports the models: not at load time
        from billing.line_chart import balance_chart

        context = super().get_context(request, *args, **kwargs)
        balance = line_balance(months=24)
        context["balance"] = balance
        context["chart"] = balance_chart(balance)
        return context
