"""The modeladmin lists of «Бухгалтерия» (plots, meters, readings, charges, payments, imports)
and the menu group that holds them; `BILLING_MENU_HOOK` lets other apps add items to it."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.html import format_html
from wagtail.admin.menu import Menu
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.menus import GroupMenuItem
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup
from wagtail_modeladmin.views import HistoryView

from billing import admin_views
from billing.admin_lists import ArticleFilter, CategoryFilter, PlotSearchHandler, month_filter, yes_no
from billing.admin_views import IMPORT_PERMISSION
from billing.exports import BillingIndexView
from billing.forms import MainReadingAdminForm, ReadingAdminForm
from billing.models import BankTransaction, Charge, ImportBatch, MainMeter, MainReading, Meter, Payment, Plot, Reading

BILLING_MENU_HOOK = "register_billing_menu_item"


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
        "cadastral_number",
        yes_no("electrified", "электрификация"),
        yes_no("has_new_meter", "новый счётчик"),
        "owner_name",
        "owner_phone",
        yes_no("active", "действует"),
    )
    list_filter = ("electrified", "has_new_meter", "active")
    search_fields = ("street", "cadastral_number", "owner_name", "owner_email", "owner_phone")
    list_export = (
        "number",
        "street",
        "area",
        "cadastral_number",
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
    list_display = ("plot", "kind", "serial", "installed_on", "removed_on", "replace_link")
    list_filter = ("kind",)
    list_select_related = ("plot",)
    search_fields = ("serial",)
    list_export = ("plot_number", "get_kind_display", "serial", "installed_on", "removed_on")
    export_headings = {"plot_number": "Участок", "get_kind_display": "Тип"}

    def plot_number(self, obj):
        return obj.plot.number

    def replace_link(self, obj):
        if obj.removed_on is not None:
            return ""
        url = reverse("billing_replace_meter")
        return format_html('<a href="{}?meter={}">Заменить</a>', url, obj.pk)

    replace_link.short_description = "замена"


class ReadingAdmin(BillingModelAdmin):
    model = Reading
    menu_label = "Показания"
    menu_icon = "time"
    import_kind = ImportBatch.Kind.READINGS
    plot_field = "meter__plot__number"
    date_field = "taken_on"
    list_display = ("plot_number", "meter_label", "taken_on", "day", "night", "total_kwh", "source")
    list_filter = (month_filter("taken_on"), "meter__kind", "source")
    list_select_related = ("meter__plot",)
    search_fields = ("meter__serial",)
    list_export = ("plot_number", "meter_label", "taken_on", "day", "night", "total_kwh", "get_source_display")
    export_headings = {"get_source_display": "Источник"}
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


class BankTransactionPermissionHelper(PermissionHelper):
    """Bank documents come only from statements; the treasurer changes an expense's category."""

    def user_can_create(self, user):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class BankTransactionAdmin(BillingModelAdmin):
    model = BankTransaction
    menu_label = "Выписка банка"
    menu_icon = "doc-full"
    import_kind = ImportBatch.Kind.STATEMENT
    permission_helper_class = BankTransactionPermissionHelper
    plot_field = "suggested_plot__number"
    date_field = "booked_on"
    list_display = ("booked_on", "number", "signed_amount", "counterparty", "purpose", "status", "category")
    list_filter = ("status", "direction", month_filter("booked_on"), CategoryFilter)
    list_select_related = ("category",)
    search_fields = ("payer_name", "recipient_name", "purpose", "number")
    list_export = (
        "booked_on",
        "number",
        "get_direction_display",
        "amount",
        "payer_name",
        "recipient_name",
        "purpose",
        "get_status_display",
        "category",
        "reason",
    )
    export_headings = {"get_direction_display": "Направление", "get_status_display": "Состояние"}
    edit_handler = ObjectList([FieldPanel("category")])

    def signed_amount(self, obj):
        return obj.amount if obj.direction == BankTransaction.Direction.INCOMING else -obj.amount

    signed_amount.short_description = "сумма, ₽"
    signed_amount.admin_order_field = "amount"

    def counterparty(self, obj):
        return obj.payer_name if obj.direction == BankTransaction.Direction.INCOMING else obj.recipient_name

    counterparty.short_description = "плательщик / получатель"


class ReadOnlyPermissionHelper(BankTransactionPermissionHelper):
    """The import history is written by the import service only: not even edited."""

    def user_can_edit_obj(self, user, obj):
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


class MainMeterAdmin(ModelAdmin):
    """The partnership's meters at the transformer or per feeder; the plots a feeder feeds are set on
    the plot («фидер (общий счётчик)»)."""

    model = MainMeter
    menu_label = "Общие счётчики"
    menu_icon = "pick"
    history_view_class = PermittedHistoryView
    list_display = ("name", "kind", "serial", "place")
    search_fields = ("name", "serial", "place")


class MainReadingAdmin(ModelAdmin):
    model = MainReading
    menu_label = "Показания общих счётчиков"
    menu_icon = "time"
    history_view_class = PermittedHistoryView
    list_display = ("main_meter", "taken_on", "day", "night", "source")
    list_select_related = ("main_meter",)
    search_fields = ("main_meter__name",)
    list_per_page = 50
    edit_handler = ObjectList(
        [FieldPanel("main_meter"), FieldPanel("taken_on"), FieldPanel("day"), FieldPanel("night")],
        base_form_class=MainReadingAdminForm,
    )


class BillingGroup(ModelAdminGroup):
    """«Бухгалтерия»: the lists above plus whatever registers with BILLING_MENU_HOOK
    (the snippets, the import page)."""

    menu_label = "Бухгалтерия"
    menu_icon = "folder-open-inverse"
    menu_order = 250
    items = (
        PlotAdmin,
        MeterAdmin,
        ReadingAdmin,
        MainMeterAdmin,
        MainReadingAdmin,
        ChargeAdmin,
        PaymentAdmin,
        BankTransactionAdmin,
        ImportBatchAdmin,
    )

    def get_menu_item(self):
        menu = Menu(register_hook_name=BILLING_MENU_HOOK, items=self.get_submenu_items())
        return GroupMenuItem(self, self.get_menu_order(), menu)
