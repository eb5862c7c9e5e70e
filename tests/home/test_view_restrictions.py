"""`view_restricted()`: the SQL condition behind page routing and the announcement lists agrees
with Wagtail's `Page.get_view_restrictions` on every page of a tree with restrictions, aliases
and their children."""

import datetime

import pytest
from wagtail.models import Page, PageViewRestriction

from home.models import AnnouncementIndexPage, AnnouncementPage, ContentPage
from home.models.restrictions import view_restricted
from tests.home.factories import make_announcement, make_home, publish

pytestmark = pytest.mark.django_db


def _tree() -> dict[str, Page]:
    home = make_home()
    private = publish(home, ContentPage(title="Закрытая", slug="private"))
    inner = publish(private, ContentPage(title="Внутри закрытой", slug="inner"))
    public = publish(home, ContentPage(title="Открытая", slug="public"))
    alias = private.create_alias(parent=public, update_slug="alias-of-private")
    index = publish(home, AnnouncementIndexPage(title="Объявления", slug="news"))
    shown = make_announcement(index, "Для всех", datetime.date(2024, 5, 1))
    hidden = make_announcement(index, "Для членов", datetime.date(2024, 5, 2))
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.LOGIN)
    pages = {"home": home, "private": private, "inner": inner, "public": public, "alias": alias}
    return {**pages, "index": index, "shown": shown, "hidden": hidden}


def test_the_condition_agrees_with_wagtail_on_every_page():
    pages = _tree()
    restricted = dict(Page.objects.annotate(restricted=view_restricted()).values_list("pk", "restricted"))
    for name, page in pages.items():
        expected = Page.objects.get(pk=page.pk).get_view_restrictions().exists()
        assert bool(restricted[page.pk]) is expected, name
    assert {name for name, page in pages.items() if restricted[page.pk]} == {"private", "inner", "alias", "hidden"}


def test_a_restricted_announcement_is_left_out_of_a_list():
    pages = _tree()
    public = AnnouncementPage.objects.live().filter(~view_restricted()).child_of(pages["index"])
    assert list(public) == [pages["shown"]]
