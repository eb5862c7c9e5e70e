"""What the treasurer's lists search, filter and show: plot numbers and dates in the search box,
«Месяц» and «Статья» filters, yes/no columns (modeladmin's own need django.contrib.admin)."""

import operator
import re
from datetime import date
from functools import reduce

from django.contrib.admin import SimpleListFilter
from django.db.models import Q
from wagtail_modeladmin.helpers.search import BaseSearchHandler

from billing.models import Article, ExpenseCategory
from billing.services.debts.items import MONTH_NAMES

MONTHS = ["", *MONTH_NAMES]  # by the month's number
DAY_RE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
MONTH_RE = re.compile(r"^(?:(\d{1,2})\.(\d{4})|(\d{4})-(\d{1,2}))$")


def ascii_number(text: str) -> bool:
    """A number the database takes: ASCII digits (`isdigit` also says yes to «²», which `int`
    refuses), short enough for a 64-bit column (a 30-digit number overflows SQLite)."""
    return text.isascii() and text.isdigit() and len(text) <= 18


class PlotSearchHandler(BaseSearchHandler):
    """Digits find a plot by its exact number, `01.05.2022` a day and `05.2022` a month of
    the list's date; any other word is looked up in the text fields."""

    def __init__(self, search_fields, *, plot_field: str, date_field: str | None = None):
        super().__init__(search_fields)
        self.plot_field = plot_field
        self.date_field = date_field

    def _text_query(self, bit: str) -> Q | None:
        # SQLite folds case for ASCII only: try the usual spellings of a Cyrillic word too.
        variants = dict.fromkeys((bit, bit.lower(), bit.upper(), bit.capitalize()))
        queries = [Q(**{f"{field}__icontains": variant}) for field in self.search_fields for variant in variants]
        return reduce(operator.or_, queries) if queries else None

    def _bit_query(self, bit: str) -> Q:
        text = self._text_query(bit)
        if ascii_number(bit):
            by_number = Q(**{self.plot_field: int(bit)})
            return by_number | text if text is not None else by_number
        if self.date_field and (day := DAY_RE.match(bit)):
            try:
                return Q(**{self.date_field: date(int(day[3]), int(day[2]), int(day[1]))})
            except ValueError:
                return Q(pk__in=[])
        if self.date_field and (month := MONTH_RE.match(bit)):
            number, year = (month[1], month[2]) if month[1] else (month[4], month[3])
            return Q(**{f"{self.date_field}__year": int(year), f"{self.date_field}__month": int(number)})
        return text if text is not None else Q(pk__in=[])

    def search_queryset(self, queryset, search_term, **kwargs):
        for bit in (search_term or "").split():
            queryset = queryset.filter(self._bit_query(bit))
        return queryset

    @property
    def show_search_form(self):
        return True


def month_filter(field: str) -> type[SimpleListFilter]:
    """A «Месяц» list filter over the months that occur in `field`."""

    class MonthFilter(SimpleListFilter):
        title = "месяц"
        parameter_name = "month"

        def lookups(self, request, model_admin):
            months = model_admin.model.objects.dates(field, "month", order="DESC")
            return [(f"{m:%Y-%m}", f"{MONTHS[m.month]} {m.year}") for m in months]

        def queryset(self, request, queryset):
            value = self.value()
            if not value or not re.fullmatch(r"\d{4}-\d{2}", value):
                return queryset
            year, month = value.split("-")
            return queryset.filter(**{f"{field}__year": int(year), f"{field}__month": int(month)})

    return MonthFilter


class RelatedFilter(SimpleListFilter):
    """By a related row (an article, a category); Django's RelatedFieldListFilter would need
    django.contrib.admin installed."""

    model: type
    field: str

    def lookups(self, request, model_admin):
        return [(str(pk), str(name)) for pk, name in self.model.objects.values_list("pk", "name")]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(**{f"{self.field}_id": int(value)}) if value and ascii_number(value) else queryset


class ArticleFilter(RelatedFilter):
    title = "статья"
    parameter_name = "article"
    model = Article
    field = "article"


class CategoryFilter(RelatedFilter):
    title = "категория расходов"
    parameter_name = "category"
    model = ExpenseCategory
    field = "category"


def yes_no(field: str, label: str):
    """A list column showing a boolean as «Да»/«Нет» (modeladmin's icons need django.contrib.admin)."""

    def column(obj):
        return "Да" if getattr(obj, field) else "Нет"

    column.__name__ = f"{field}_yes_no"
    column.short_description = label
    column.admin_order_field = field
    return column
