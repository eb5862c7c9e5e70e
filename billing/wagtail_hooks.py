"""The treasurer's «Бухгалтерия» menu: modeladmin lists, tariff/article/fee-rate snippets,
the import pages and the fee accrual action. Only people with billing permissions see it."""

import operator
import re
from datetime import date
from functools import reduce

from django.contrib.admin import SimpleListFilter
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.helpers.search import BaseSearchHandler
from wagtail_modeladmin.menus import GroupMenuItem
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup, modeladmin_register
from wagtail_modeladmin.views import HistoryView

from billing import admin_views
from billing.exports import BillingIndexView, BillingSnippetIndexView
from billing.forms import ReadingAdminForm
from billing.models import Article, Charge, FeeRate, ImportBatch, Meter, Payment, Plot, Reading, Tariff

BILLING_MENU_HOOK = "register_billing_menu_item"
IMPORT_PERMISSION = "billing.add_importbatch"

MONTHS = [
    "",
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
]
DAY_RE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
MONTH_RE = re.compile(r"^(?:(\d{1,2})\.(\d{4})|(\d{4})-(\d{1,2}))$")


def _ascii_number(text: str) -> bool:
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
        if _ascii_number(bit):
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


class ArticleFilter(SimpleListFilter):
    """By article; Django's RelatedFieldListFilter would need django.contrib.admin installed."""

    title = "статья"
    parameter_name = "article"

    def lookups(self, request, model_admin):
        return [(str(pk), name) for pk, name in Article.objects.values_list("pk", "name")]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(article_id=int(value)) if value and _ascii_number(value) else queryset


def yes_no(field: str, label: str):
    """A list column showing a boolean as «Да»/«Нет» (modeladmin's icons need django.contrib.admin)."""

    def column(obj):
        return "Да" if getattr(obj, field) else "Нет"

    column.__name__ = f"{field}_yes_no"
    column.short_description = label
    column.admin_order_field = field
    return column


class PermittedHistoryView(HistoryView):
    """modeladmin's history view checks no permission of its own; this one asks for the list's."""

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_helper.user_can_list(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class BillingModelAdmin(ModelAdmin):
    """Common wiring: safe exports, plot-number search and the «Импорт из файла» button."""

    index_view_class = BillingIndexView
    history_view_class = PermittedHistoryView
    index_template_name = "billing/admin/index.html"
    menu_icon = "table"
    list_per_page = 50
    import_kind: str | None = None
    plot_field = "plot__number"
    date_field: str | None = None
    export_headings: dict[str, str] = {}

    def get_search_handler(self, request, search_fields=None):
        return PlotSearchHandler(
            search_fields or self.get_search_fields(request), plot_field=self.plot_field, date_field=self.date_field
        )

    @property
    def export_filename(self) -> str:
        return f"{self.opts.model_name}-{date.today():%Y-%m-%d}"

    def import_url_for(self, user) -> str | None:
        if self.import_kind and user.has_perm(IMPORT_PERMISSION):
            return reverse("billing_import", args=[self.import_kind])
        return None

    def extra_buttons_for(self, user) -> list[dict[str, str]]:
        return []


class PlotAdmin(BillingModelAdmin):
    model = Plot
    menu_label = "Участки"
    menu_icon = "home"
    import_kind = ImportBatch.Kind.PLOTS
    plot_field = "number"
    list_display = (
        "number",
        "street",
        "area",
        yes_no("electrified", "электрификация"),
        yes_no("has_new_meter", "новый счётчик"),
        "owner_name",
        "owner_phone",
        yes_no("active", "действует"),
    )
    list_filter = ("electrified", "has_new_meter", "active")
    search_fields = ("street", "owner_name", "owner_email", "owner_phone")
    list_export = (
        "number",
        "street",
        "area",
        "electrified",
        "has_new_meter",
        "owner_name",
        "owner_email",
        "owner_phone",
        "active",
    )


class MeterAdmin(BillingModelAdmin):
    model = Meter
    menu_label = "Счётчики"
    menu_icon = "tasks"
    list_display = ("plot", "kind", "serial", "installed_on", "removed_on")
    list_filter = ("kind",)
    list_select_related = ("plot",)
    search_fields = ("serial",)
    list_export = ("plot_number", "get_kind_display", "serial", "installed_on", "removed_on")
    export_headings = {"plot_number": "Участок", "get_kind_display": "Тип"}

    def plot_number(self, obj):
        return obj.plot.number


class ReadingAdmin(BillingModelAdmin):
    model = Reading
    menu_label = "Показания"
    menu_icon = "time"
    import_kind = ImportBatch.Kind.READINGS
    plot_field = "meter__plot__number"
    date_field = "taken_on"
    list_display = ("plot_number", "meter_label", "taken_on", "day", "night", "total_kwh")
    list_filter = (month_filter("taken_on"), "meter__kind")
    list_select_related = ("meter__plot",)
    search_fields = ("meter__serial",)
    list_export = ("plot_number", "meter_label", "taken_on", "day", "night", "total_kwh")
    edit_handler = ObjectList(
        [FieldPanel("meter"), FieldPanel("taken_on"), FieldPanel("day"), FieldPanel("night")],
        base_form_class=ReadingAdminForm,
    )

    def plot_number(self, obj):
        return obj.meter.plot.number

    plot_number.short_description = "участок"
    plot_number.admin_order_field = "meter__plot__number"

    def meter_label(self, obj):
        return obj.meter.serial or obj.meter.get_kind_display()

    meter_label.short_description = "счётчик"

    def total_kwh(self, obj):
        return obj.total

    total_kwh.short_description = "сумма, кВт·ч"


class ChargeAdmin(BillingModelAdmin):
    model = Charge
    menu_label = "Начисления"
    menu_icon = "form"
    import_kind = ImportBatch.Kind.CHARGES
    date_field = "accrued_on"
    list_display = ("plot_number", "article", "amount", "accrued_on", "batch")
    list_filter = (month_filter("accrued_on"), ArticleFilter)
    list_select_related = ("plot", "article", "batch")
    search_fields = ("article__name",)
    list_export = ("plot_number", "article", "amount", "accrued_on")

    def plot_number(self, obj):
        return obj.plot.number

    plot_number.short_description = "участок"
    plot_number.admin_order_field = "plot__number"

    def extra_buttons_for(self, user) -> list[dict[str, str]]:
        if user.has_perm(admin_views.ACCRUE_PERMISSION):
            return [{"url": reverse("billing_accrue"), "label": "Начислить взносы", "icon": "plus"}]
        return []


class PaymentAdmin(BillingModelAdmin):
    model = Payment
    menu_label = "Платежи"
    menu_icon = "success"
    import_kind = ImportBatch.Kind.PAYMENTS
    date_field = "paid_on"
    list_display = ("plot_number", "article", "paid_on", "amount", "document")
    list_filter = (month_filter("paid_on"), ArticleFilter)
    list_select_related = ("plot", "article")
    search_fields = ("document", "article__name")
    list_export = ("plot_number", "article", "paid_on", "amount", "document")

    def plot_number(self, obj):
        return obj.plot.number

    plot_number.short_description = "участок"
    plot_number.admin_order_field = "plot__number"


class ReadOnlyPermissionHelper(PermissionHelper):
    """The import history is written by the import service only."""

    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class ImportBatchAdmin(BillingModelAdmin):
    model = ImportBatch
    menu_label = "Загрузки"
    menu_icon = "history"
    permission_helper_class = ReadOnlyPermissionHelper
    inspect_view_enabled = True
    history_view_enabled = False
    plot_field = "pk"
    date_field = "as_of"
    list_display = ("created_at", "kind", "file_name", "as_of", "rows_total", "rows_created", "rows_updated")
    list_filter = ("kind",)
    list_select_related = ("uploaded_by",)
    search_fields = ("file_name", "sha256")
    list_export = (
        "created_at",
        "get_kind_display",
        "file_name",
        "as_of",
        "rows_total",
        "rows_created",
        "rows_updated",
        "rows_unchanged",
        "uploaded_by",
        "sha256",
    )
    export_headings = {"get_kind_display": "Вид"}
    inspect_view_fields = (
        "kind",
        "file_name",
        "sha256",
        "uploaded_by",
        "as_of",
        "rows_total",
        "rows_created",
        "rows_updated",
        "rows_unchanged",
        "created_at",
    )


class BillingGroup(ModelAdminGroup):
    """«Бухгалтерия»: the lists above plus whatever registers with BILLING_MENU_HOOK
    (the snippets, the import page)."""

    menu_label = "Бухгалтерия"
    menu_icon = "folder-open-inverse"
    menu_order = 250
    items = (PlotAdmin, MeterAdmin, ReadingAdmin, ChargeAdmin, PaymentAdmin, ImportBatchAdmin)

    def get_menu_item(self):
        menu = Menu(register_hook_name=BILLING_MENU_HOOK, items=self.get_submenu_items())
        return GroupMenuItem(self, self.get_menu_order(), menu)


modeladmin_register(BillingGroup)


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
    list_display = ("name", "kind", "year", "sort_order")
    list_filter = ("kind", "year")
    search_fields = ("name",)
    list_export = ("name", "get_kind_display", "year", "sort_order")
    export_headings = {"name": "Название", "get_kind_display": "Вид", "year": "Год", "sort_order": "Порядок"}


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


register_snippet(TariffViewSet)
register_snippet(ArticleViewSet)
register_snippet(FeeRateViewSet)


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(IMPORT_PERMISSION)


@hooks.register(BILLING_MENU_HOOK)
def register_import_menu_item():
    return ImportMenuItem("Импорт из файла", reverse("billing_import_index"), icon_name="upload", order=50)


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
    ]
