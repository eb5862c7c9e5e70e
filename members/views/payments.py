"""«Статус моих оплат от …»: charges, payments and advances of the member's confirmed plots."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from members.cabinet_cache import cabinet_page_cache
from members.cabinet_pages import payments_page
from members.context_processors import CabinetContext
from members.partnership import partnership_settings
from members.qr import bank_details
from members.views import member_required


@require_safe
@cabinet_page_cache
@member_required
def payments(request: HttpRequest) -> HttpResponse:
    bank = bank_details(request)
    page = payments_page(user=request.user, bank=bank)
    context = {
        "cabinet": CabinetContext(request, payment_status_date=page.as_of),  # the menu shows the date just read
        "as_of": page.as_of,
        "blocks": page.blocks,
        "bank": bank,
        "plots": page.plots,
        "contact_url": partnership_settings(request).contact_url,
    }
    return render(request, "members/payments.html", context)
