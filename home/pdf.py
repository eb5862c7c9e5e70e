"""Content pages as PDF (WeasyPrint): the instruction to download is the «Помощь» page itself."""

from django.template.loader import render_to_string

from cms.pdf import html_pdf


def content_page_pdf(page, *, base_url: str) -> bytes:
    """The page's title, intro and blocks on A4, with a text layer; links made absolute by `base_url`."""
    return html_pdf(render_to_string("home/content_page_pdf.html", {"page": page}), base_url=base_url)
