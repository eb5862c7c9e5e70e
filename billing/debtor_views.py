"""«Должники» in the treasurer's «Бухгалтерия»: who owes what since when on a date, with filters,
a page of rows at a time (the database ranks every row and returns the page's), the XLSX of every
row, and each plot's акт сверки one click away (its view lives in members; the template links to
it by URL name). The numbers come from
billing.services.debts.debtors."""

import io
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.generic import TemplateView
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from billing.forms import DebtorsForm
from billing.services.debts.debtors import DebtorsReport, debtors, with_last_payments
from billing.services.debts.loading import load_articles
from billing.services.imports import csv_safe

# the «Казначей» group has both; the report shows charges and payments, it changes nothing
DEBTORS_PERMISSIONS = ("billing.view_charge", "billing.view_payment")
ROWS_PER_PAGE = 50  # as the admin's lists (BillingModelAdmin.list_per_page)
MONEY = "#,##0.00"
DATE = "DD.MM.YYYY"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = [
    "Участок",
    "Владелец",
    "Статья",
    "Просрочено, ₽",
    "Просрочено с",
    "Дней просрочки",
    "Последний платёж",
    "Сумма последнего платежа, ₽",
    "Всего по участку, ₽",
]


def can_view_debtors(user) -> bool:
    return user.is_active and user.has_perms(DEBTORS_PERMISSIONS)


def page_number(typed: str | None) -> int:
    """The page asked for, read as `Paginator.get_page` reads it: not a number, the first; the
    report clamps the rest (below 1 or past the end: the last)."""
    try:
        return int(typed)
    except (TypeError, ValueError):
        return 1


class PageOfRows(Sequence):
    """The report's page as the paginator's list: the length of every row, the slice of the page
    (the database picked it; the paginator asks for no other)."""

    def __init__(self, report: DebtorsReport) -> None:
        self.report = report

    def __len__(self) -> int:
        return self.report.count

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.start != self.report.start:
            raise IndexError("only the report's page is at hand")
        return self.report.rows


def debtors_xlsx(report: DebtorsReport) -> bytes:
    """Every row: numbers and dates as such (the spreadsheet sums and sorts them), text cells that
    no spreadsheet runs as a formula, and the total as the last line. openpyxl's write-only mode:
    thirty thousand rows in a request."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(f"Должники на {report.query.on:%d.%m.%Y}")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def cell(value, number_format: str | None = None, font: Font | None = None) -> WriteOnlyCell:
        made = WriteOnlyCell(sheet, value=value)
        if number_format:
            made.number_format = number_format
        if font:
            made.font = font
        return made

    sheet.append([cell(title, font=bold) for title in HEADERS])
    for row in with_last_payments(report.rows, report.query.on):
        sheet.append(
            [
                row.number,
                csv_safe(row.owner),
                csv_safe(row.article),
                cell(row.overdue, MONEY),
                cell(row.since, DATE),
                row.days,
                cell(row.last_paid_on, DATE) if row.last_paid_on else None,
                cell(row.last_paid, MONEY) if row.last_paid is not None else None,
                cell(row.plot_total, MONEY),
            ]
        )
    total = [cell(f"Итого: участков {report.plots}", font=bold), None, None, cell(report.total, MONEY, bold)]
    sheet.append(total)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class DebtorsView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "billing/admin/debtors.html"
    page_title = "Должники"
    header_icon = "warning"
    http_method_names = ["get", "head"]

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_view_debtors(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        today = timezone.localdate()
        articles = load_articles()
        form = DebtorsForm(request.GET, articles=articles, today=today)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        if request.GET.get("format") == "xlsx":
            report = debtors(form.query(), articles=articles)
            response = HttpResponse(debtors_xlsx(report), content_type=XLSX)
            response["Content-Disposition"] = f'attachment; filename="dolzhniki-{report.query.on:%Y-%m-%d}.xlsx"'
            response["Cache-Control"] = "private, no-store"
            return response
        number = page_number(request.GET.get("p"))
        report = debtors(form.query(), articles=articles, page=number, per_page=ROWS_PER_PAGE)
        page = Paginator(PageOfRows(report), ROWS_PER_PAGE).get_page(report.start // ROWS_PER_PAGE + 1)
        rows = with_last_payments(page.object_list, report.query.on)
        context = self.get_context_data(form=form, report=report, page=page, rows=rows, today=today)
        return self.render_to_response(context)
