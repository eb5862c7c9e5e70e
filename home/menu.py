"""The main menu: the home page's children shown in menus, picked by page type and slug, in the
instruction's order.

Order (from the member instruction): Объявления, Устав, Правление, Финансы, Контакты, Мои данные,
Помощь. «Мои данные» belongs to the members app and is rendered by `members/menu.html`; a slot
whose page is missing, unpublished or hidden from menus (`show_in_menus`, as in Wagtail) is left
out. The order is the instruction's, not the tree's: an editor who moves a page in the tree does
not reorder the menu, and three slots are ContentPages told apart only by slug (see home.slugs).
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest
from wagtail.models import Page, Site

from cms.queries import CompiledQuery
from home import slugs
from home.models import AnnouncementIndexPage, BoardPage, ContactPage, ContentPage

CABINET = "cabinet"


@dataclass(frozen=True)
class MenuSlot:
    key: str
    model: type[Page] | None  # None: the members' «Мои данные»
    slugs: frozenset[str] = frozenset()  # empty: any slug


MENU_SLOTS = [
    MenuSlot("announcements", AnnouncementIndexPage),
    MenuSlot("charter", ContentPage, slugs.CHARTER),
    MenuSlot("board", BoardPage),
    MenuSlot("finance", ContentPage, slugs.FINANCE),
    MenuSlot("contacts", ContactPage),
    MenuSlot(CABINET, None),
    MenuSlot("help", ContentPage, slugs.HELP),
]


@dataclass(frozen=True)
class MenuItem:
    key: str
    title: str
    url: str
    active: bool


def _site_root_path(request: HttpRequest) -> str | None:
    site = Site.find_for_request(request)
    if site is None:
        return None
    for root in Site.get_site_root_paths():  # cached by Wagtail
        if root.site_id == site.pk:
            return root.root_path
    return None


_menu_pages = CompiledQuery(
    lambda root_path, depth: (
        Page.objects.filter(url_path__startswith=root_path, depth=depth, live=True, show_in_menus=True)
        .order_by("path")
        .only("id", "title", "slug", "url_path", "content_type_id")
    )
)


def menu_items(request: HttpRequest) -> list[MenuItem]:
    """The menu for this request's site, computed once per request with one page query."""
    cached = getattr(request, "_snt_menu", None)
    if cached is not None:
        return cached
    items: list[MenuItem] = []
    root_path = _site_root_path(request)
    if root_path is not None:
        children = list(_menu_pages(root_path, root_path.count("/") + 1))
        current = request.path
        used: set[int] = set()
        for slot in MENU_SLOTS:
            if slot.model is None:
                items.append(MenuItem(CABINET, "Мои данные", "", current.startswith("/cabinet/")))
                continue
            model_ct = ContentType.objects.get_for_model(slot.model)  # cached
            for page in children:
                if page.pk in used or page.content_type_id != model_ct.pk:
                    continue
                if slot.slugs and page.slug not in slot.slugs:
                    continue
                url = page.get_url(request) or ""
                items.append(MenuItem(slot.key, page.title, url, bool(url) and current.startswith(url)))
                used.add(page.pk)
                break
    request._snt_menu = items
    return items
