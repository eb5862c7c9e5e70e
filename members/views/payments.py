"""«Статус моих оплат от …»: charges, payments and advances of the member's confirmed plots."""

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from billing.selectors import PlotStatus, payment_status
from members.cabinet_cache import cabinet_page_cache
from members.context_processors import CabinetContext
from members.partnership import partnership_settings
from members.qr import PaymentCode, bank_details, payment_code
from members.selectors import cabinet_plots
from members.views import member_required


@dataclass(frozen=True)
class PlotBlock:
    status: PlotStatus
    code: PaymentCode | None


def _code(status: PlotStatus, bank: dict | None) -> PaymentCode | None:
    purpose = ", ".join(a.name for a in status.articles if a.due > 0)
    return payment_code(bank=bank, plot_number=status.number, amount=status.due, purpose=purpose)


@require_safe
@cabinet_page_cache
@member_required
def payments(request: HttpRequest) -> HttpResponse:
    plots = cabinet_plots(user=request.user)
    status = payment_status(plot_ids=plots.plot_ids)
    bank = bank_details(request)
    menu = CabinetContext(request)
    menu.__dict__["payment_status_date"] = status.as_of  # the menu's date is the one just read: no second query
    context = {
        "cabinet": menu,
        "as_of": status.as_of,
        "blocks": [PlotBlock(status=p, code=_code(p, bank)) for p in status.plots],
        "bank": bank,
        "plots": plots,
        "contact_url": partnership_settings(request).contact_url,
    }
    return render(request, "members/payments.html", context)
