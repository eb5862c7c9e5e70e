"""«Акт сверки»: a form per confirmed plot, and the PDF of a plot the member holds a CONFIRMED claim on.
Any other number (pending or rejected claim, another's plot, no such plot) is a 404, whatever the URL;
a bad period is the page again with the reasons, for that plot's form."""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from billing.services.debts.reconciliation import PlotHeading, plot_headings
from members.reconciliation.documents import act_response
from members.reconciliation.forms import PeriodForm
from members.selectors import cabinet_plots, confirmed_plot_ids
from members.views import member_required


def too_many_acts(request: HttpRequest) -> bool:
    """A PDF costs the server a second or more: RECONCILIATION_PDF_RATE (count, seconds) per member."""
    limit, seconds = getattr(settings, "RECONCILIATION_PDF_RATE", (30, 600))
    key = f"reconciliation:pdf:{request.user.pk}"
    cache.add(key, 0, timeout=seconds)
    try:
        return cache.incr(key) > limit
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=seconds)
        return False


@dataclass(frozen=True)
class PlotForm:
    plot: PlotHeading
    form: PeriodForm


def _page(request: HttpRequest, *, invalid: PeriodForm | None = None, status: int = 200) -> HttpResponse:
    plots = cabinet_plots(user=request.user)
    today = timezone.localdate()
    forms = []
    for plot in plot_headings(plot_ids=plots.plot_ids) if plots.plot_ids else []:
        if invalid is not None and invalid.plot.plot_id == plot.plot_id:
            forms.append(PlotForm(plot, invalid))
        else:
            forms.append(PlotForm(plot, PeriodForm(plot=plot, today=today, auto_id=f"id_%s_{plot.number}")))
    return render(request, "members/reconciliation.html", {"plots": plots, "forms": forms}, status=status)


@require_safe
@member_required
def reconciliation(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_safe
@member_required
def reconciliation_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """`number` is 1–9 ASCII digits (the URL pattern); the claim decides the rest."""
    allowed = confirmed_plot_ids(user=request.user)
    found = plot_headings(plot_ids=allowed, numbers=[int(number)]) if allowed else []
    if not found:
        raise Http404
    form = PeriodForm(request.GET, plot=found[0], today=timezone.localdate(), auto_id=f"id_%s_{number}")
    if not form.is_valid():
        return _page(request, invalid=form, status=400)
    if too_many_acts(request):
        return render(request, "429.html", status=429)
    return act_response(request, found[0], form.cleaned_data["period"], made_on=form.today)
