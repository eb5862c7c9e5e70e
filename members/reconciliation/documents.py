"""An акт сверки as a document: billing's numbers with the partnership's full name, requisites and
board from the site settings (through members.partnership), rendered by a Django template and
printed by WeasyPrint (cms.pdf). The member's cabinet, the treasurer's admin and the board's batch
all make it here, so the three give the same PDF."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urljoin

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from billing.services.debts.reconciliation import Period, PlotHeading, Reconciliation, load_reconciliation
from cms.pdf import PRINT_CSS, html_pdf, pdf_response
from members.partnership import Partnership, partnership_settings

ACT_TEMPLATE = "members/reconciliation/act.html"
STYLESHEETS = (PRINT_CSS, "css/reconciliation-print.css")
REQUISITES = (
    ("ИНН", "bank_inn"),
    ("КПП", "bank_kpp"),
    ("р/с", "bank_account"),
    ("банк", "bank_name"),
    ("БИК", "bank_bic"),
    ("к/с", "bank_corr_account"),
)


@dataclass(frozen=True)
class ActDocument:
    """What the template prints besides the numbers."""

    reconciliation: Reconciliation
    partnership_name: str
    requisites: tuple[tuple[str, str], ...]  # (label, value), only the filled-in ones
    chairman_name: str
    treasurer_name: str
    contact_link: str | None  # absolute: the PDF leaves the site
    made_on: datetime.date

    @property
    def debt(self) -> Decimal:
        return max(self.reconciliation.closing, Decimal("0.00"))

    @property
    def advance(self) -> Decimal:
        return max(-self.reconciliation.closing, Decimal("0.00"))


def act_document(
    reconciliation: Reconciliation, *, partnership: Partnership, base_url: str, made_on: datetime.date
) -> ActDocument:
    """`base_url` (the site's address, «https://snt.example/») makes the feedback link absolute."""
    bank = partnership.bank
    contact_url = partnership.contact_url
    return ActDocument(
        reconciliation=reconciliation,
        partnership_name=partnership.full_name,
        requisites=tuple((label, bank[field]) for label, field in REQUISITES if bank.get(field)),
        chairman_name=partnership.chairman_name,
        treasurer_name=partnership.treasurer_name,
        contact_link=urljoin(base_url, contact_url) if contact_url else None,
        made_on=made_on,
    )


def act_html(document: ActDocument) -> str:
    return render_to_string(ACT_TEMPLATE, {"act": document, "rec": document.reconciliation})


def act_pdf(document: ActDocument, *, base_url: str) -> bytes:
    """A4 with a text layer."""
    return html_pdf(act_html(document), base_url=base_url, stylesheets=STYLESHEETS)


def act_file_name(number: int, period: Period) -> str:
    """«akt-sverki-269-2022-01-01-2022-12-31.pdf»: ASCII, so every browser keeps it."""
    return f"akt-sverki-{number}-{period.start:%Y-%m-%d}-{period.end:%Y-%m-%d}.pdf"


def act_response(request: HttpRequest, plot: PlotHeading, period: Period, *, made_on: datetime.date) -> HttpResponse:
    """The акт as a download, for the cabinet and the admin alike (the caller has checked who may see it)."""
    base_url = request.build_absolute_uri("/")
    reconciliation = load_reconciliation(plot=plot, period=period)
    partnership = partnership_settings(request)
    document = act_document(reconciliation, partnership=partnership, base_url=base_url, made_on=made_on)
    return pdf_response(act_pdf(document, base_url=base_url), act_file_name(plot.number, period))
