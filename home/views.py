import re

from django.core.paginator import Paginator
from django.shortcuts import render
from wagtail.contrib.forms.views import SubmissionsListView
from wagtail.models import Page, Site

from cms.spreadsheets import formula_safe

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200
_WORD = re.compile(r"\w+")


def search_terms(query: str) -> str:
    """Only the words of what was typed: quotes, brackets, NUL and operators are not the
    search backend's syntax to parse (an unterminated quote was a 500)."""
    return " ".join(_WORD.findall(query))


def search(request):
    """Search the live public pages of this site (Wagtail search)."""
    query = request.GET.get("query", "").replace("\x00", "").strip()[:MAX_QUERY_LENGTH]
    page_obj = None
    if query:
        pages = Page.objects.live().public()
        site = Site.find_for_request(request)
        if site is not None:
            pages = pages.descendant_of(site.root_page, inclusive=True)
        terms = search_terms(query)
        results = pages.search(terms) if terms else pages.none()
        page_obj = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "search/search.html", {"query": query, "page_obj": page_obj})


class ContactSubmissionsListView(SubmissionsListView):
    """The feedback submissions in the admin; «Скачать CSV / XLSX» writes visitors' answers (and
    the editors' labels) as text, so `=HYPERLINK(…)` from the form never runs in a spreadsheet."""

    def preprocess_field_value(self, field, value, export_format):
        return formula_safe(super().preprocess_field_value(field, value, export_format))

    def get_heading(self, queryset, field):
        return formula_safe(super().get_heading(queryset, field))
