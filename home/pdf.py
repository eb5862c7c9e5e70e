"""Content pages as PDF (WeasyPrint): the instruction to download is the «Помощь» page itself."""

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

PRINT_CSS = "css/print.css"


def content_page_pdf(page, *, base_url: str) -> bytes:
    """The page's title, intro and blocks on A4, with a text layer; links made absolute by `base_url`."""
    from weasyprint import CSS, HTML  # heavy, and needs Pango: loaded only when a PDF is made

    html = render_to_string("home/content_page_pdf.html", {"page": page})
    stylesheet = CSS(filename=finders.find(PRINT_CSS))
    return HTML(string=html, base_url=base_url).write_pdf(stylesheets=[stylesheet])
