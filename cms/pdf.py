"""HTML to PDF with WeasyPrint, for every app: A4 and the DejaVu fonts (installed by `make system`)
of static/css/print.css, so Cyrillic text gets a text layer."""

from collections.abc import Sequence

from django.contrib.staticfiles import finders
from django.http import HttpResponse

PRINT_CSS = "css/print.css"


def html_pdf(html: str, *, base_url: str, stylesheets: Sequence[str] = (PRINT_CSS,)) -> bytes:
    """`stylesheets` are static paths; links in `html` are made absolute by `base_url`."""
    from weasyprint import CSS, HTML  # heavy, and needs Pango: loaded only when a PDF is made

    styles = [CSS(filename=finders.find(path)) for path in stylesheets]
    return HTML(string=html, base_url=base_url).write_pdf(stylesheets=styles)


def pdf_response(content: bytes, file_name: str, *, private: bool = True) -> HttpResponse:
    """A PDF as a download named `file_name` (ASCII, so every browser keeps it); `private` keeps it out
    of every cache (a member's or the board's document), a public one may be stored like its page."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    if private:
        response["Cache-Control"] = "private, no-store"
    return response
