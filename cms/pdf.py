"""HTML to PDF with WeasyPrint, for every app: A4 and the DejaVu fonts (installed by `make system`)
of static/css/print.css, so Cyrillic text gets a text layer."""

from collections.abc import Sequence

from django.contrib.staticfiles import finders

PRINT_CSS = "css/print.css"


def html_pdf(html: str, *, base_url: str, stylesheets: Sequence[str] = (PRINT_CSS,)) -> bytes:
    """`stylesheets` are static paths; links in `html` are made absolute by `base_url`."""
    from weasyprint import CSS, HTML  # heavy, and needs Pango: loaded only when a PDF is made

    styles = [CSS(filename=finders.find(path)) for path in stylesheets]
    return HTML(string=html, base_url=base_url).write_pdf(stylesheets=styles)
