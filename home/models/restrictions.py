"""Page view restrictions as one SQL condition, so a page list or a route needs no query of its own."""

from django.db.models import CharField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.db.models.lookups import StartsWith
from wagtail.models import PageViewRestriction


def view_restricted() -> Exists:
    """True for a page when a view restriction sits on it, an ancestor, or the page it (or an
    ancestor) is an alias of: never fewer than `Page.get_view_restrictions` finds. Wagtail's
    `.public()` reads every restriction of the site in a query of its own first."""
    path = ExpressionWrapper(OuterRef("path"), output_field=CharField())
    on_path = Q(StartsWith(path, F("page__path"))) | Q(StartsWith(path, F("page__aliases__path")))
    return Exists(PageViewRestriction.objects.filter(on_path))
