"""«Мое электричество»: the instruction's table per period, newest first, and a chart per plot."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from members.cabinet_cache import cabinet_page_cache
from members.cabinet_pages import electricity_page, period_title
from members.qr import bank_details
from members.views import member_required

__all__ = ["electricity", "period_title"]  # period_title: the page's words, kept importable from here


@require_safe
@cabinet_page_cache
@member_required
def electricity(request: HttpRequest) -> HttpResponse:
    bank = bank_details(request)
    page = electricity_page(user=request.user, bank=bank)
    context = {
        "bank": bank,
        "plots": page.plots,
        "periods": page.periods,
        "codes": page.codes,
        "charts": page.charts,
        "sources": page.sources,
    }
    return render(request, "members/electricity.html", context)
