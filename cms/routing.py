"""Wagtail's routing of a page request in one query instead of two per level of the tree.

Wagtail finds `/obyavleniya/slug/` by asking for the site root's specific page, then for each
level the child with that slug and its specific page, then the ancestors (for aliases) and the
view restrictions: nine queries before a template runs. `PageRouteMiddleware` answers the same
question before Wagtail's `serve` asks it (Wagtail keeps the answer in
`request._wagtail_route_for_request`): the site with its settings (one query, see
`home.models.settings.site_with_settings`), then every page on the path with its specific row
joined and whether any view restriction applies (one query). Anything Wagtail would decide
differently is left to Wagtail: a page type with its own `route` (RoutablePageMixin), a
missing or unpublished page, translations.
"""

from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page, PageViewRestriction, get_page_models
from wagtail.url_routing import RouteResult
from wagtail.views import serve

from cms.queries import CompiledQuery
from home.models.restrictions import view_restricted
from home.models.settings import site_with_settings


@cache
def _specific_joins() -> tuple[str, ...]:
    """The reverse one-to-one names of the page types that extend Page directly: joined, a row
    brings its specific page along (a deeper type costs Wagtail's usual `.specific` query)."""
    return tuple(
        model._meta.model_name
        for model in get_page_models()
        if model is not Page and not model._meta.abstract and set(model._meta.parents) == {Page}
    )


_pages_on_path = CompiledQuery(
    lambda root_pk, url_paths, root_path: (
        Page.objects.filter(Q(pk=root_pk) | Q(url_path__in=url_paths, path__startswith=root_path))
        .order_by()
        .select_related(*_specific_joins())
        .annotate(restricted=view_restricted())
    )
)


def _specific(page: Page) -> Page:
    model = page.specific_class
    if model is not None and model._meta.model_name in _specific_joins():
        specific = getattr(page, model._meta.model_name, None)
        if specific is not None:
            return specific
    return page.specific


CONTINUE = object()


def _own_answer(page: Page, request: HttpRequest, remaining: list[str]) -> RouteResult | None | object:
    """What the page's own `route` answers before looking at its children: CONTINUE when it is
    Wagtail's plain `Page.route` (or a RoutablePageMixin whose sub-URLs do not match), a
    RouteResult for a matching sub-URL, None for any other `route` (left to Wagtail)."""
    own = type(page).route
    if own is Page.route:
        return CONTINUE
    if own is not RoutablePageMixin.route:
        return None
    if not page.live:
        return CONTINUE
    try:
        match = page.resolve_subpage("/" + "".join(f"{part}/" for part in remaining))
    except Http404:
        return CONTINUE
    request.routable_resolver_match = match
    view, args, kwargs = match
    return RouteResult(page, args=(view, args, kwargs))


def _no_view_restrictions(page: Page) -> None:
    """The query found none: Wagtail's check (wagtail_hooks.check_view_restrictions) asks again."""
    page.get_view_restrictions = PageViewRestriction.objects.none


def route(request: HttpRequest, path: str) -> RouteResult | None:
    """The page `serve` would find for `path`, or None to let Wagtail route it its own way."""
    if getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        return None
    site = request._wagtail_site if hasattr(request, "_wagtail_site") else site_with_settings(request)
    if site is None:
        return None
    root = site.root_page
    components = [part for part in path.split("/") if part]
    url_paths = [root.url_path + "".join(f"{part}/" for part in components[: i + 1]) for i in range(len(components))]
    found = {}
    for page in _pages_on_path(root.pk, tuple(url_paths), root.path):
        found[page.url_path] = page
    current = found.get(root.url_path)
    if current is None:
        return None
    restricted, current = current.restricted, _specific(current)
    for depth in range(len(components) + 1):
        answer = _own_answer(current, request, components[depth:])
        if answer is not CONTINUE:
            return _checked(answer, restricted)
        if depth == len(components):
            break
        row = found.get(url_paths[depth])
        if row is None:
            return None
        restricted, row = row.restricted, _specific(row)
        row._cached_parent_obj = current  # as Wagtail's route: get_parent() costs nothing
        current = row
    return _checked(RouteResult(current), restricted) if current.live else None


def _checked(answer: RouteResult | None, restricted: bool) -> RouteResult | None:
    if answer is not None and not restricted:
        _no_view_restrictions(answer.page)
    return answer


class PageRouteMiddleware:
    """Routes Wagtail page requests in one query, before `wagtail.views.serve` would (see above)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        if view_func is serve and not hasattr(request, "_wagtail_route_for_request"):
            path = view_args[0] if view_args else view_kwargs.get("path", "")  # Wagtail's pattern: positional
            found = route(request, path)
            if found is not None:
                request._wagtail_route_for_request = found
