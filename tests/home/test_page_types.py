from http import HTTPStatus

import pytest
from wagtail.models import Page

from home.models import (
    AnnouncementIndexPage,
    AnnouncementPage,
    BoardPage,
    ContactPage,
    ContentPage,
    HomePage,
)

pytestmark = pytest.mark.django_db


def test_home_page_only_under_the_tree_root(site_pages):
    root = Page.get_first_root_node()
    assert HomePage in root.specific_class.allowed_subpage_models()
    assert HomePage.allowed_parent_page_models() == [Page]
    for parent in [site_pages.home, site_pages.charter, site_pages.announcements]:
        assert not HomePage.can_create_at(parent)


@pytest.mark.parametrize(
    ("model", "allowed_parent", "forbidden_parents"),
    [
        (AnnouncementIndexPage, "home", ["announcements", "charter"]),
        (AnnouncementPage, "announcements", ["home", "charter", "board"]),
        (ContentPage, "home", ["announcements", "board", "contact"]),
        (BoardPage, "home", ["announcements", "charter"]),
        (ContactPage, "home", ["announcements", "charter"]),
    ],
)
def test_page_types_created_only_where_they_belong(site_pages, model, allowed_parent, forbidden_parents):
    assert model in getattr(site_pages, allowed_parent).specific_class.allowed_subpage_models()
    for name in forbidden_parents:
        assert not model.can_create_at(getattr(site_pages, name)), name


def test_content_pages_nest_under_content_pages(site_pages):
    assert ContentPage.can_create_at(site_pages.charter)


def test_one_board_contact_and_announcement_index_per_home(site_pages):
    assert not BoardPage.can_create_at(site_pages.home)
    assert not ContactPage.can_create_at(site_pages.home)
    assert not AnnouncementIndexPage.can_create_at(site_pages.home)
    assert AnnouncementPage.can_create_at(site_pages.announcements)
    assert ContentPage.can_create_at(site_pages.home)


@pytest.mark.parametrize(
    ("name", "heading"),
    [
        ("announcements", "Объявления"),
        ("charter", "Устав"),
        ("board", "Правление"),
        ("finance", "Финансы"),
        ("contact", "Контакты"),
        ("help", "Помощь"),
        ("consent", "Согласие на обработку персональных данных"),
        ("latest", "Показания загружены"),
    ],
)
def test_every_page_renders_with_its_heading(client, site_pages, name, heading):
    response = client.get(getattr(site_pages, name).url)
    assert response.status_code == HTTPStatus.OK
    assert f"<h1>{heading}</h1>" in response.content.decode()


def test_home_page_shows_name_pinned_and_latest_and_cabinet_entry(client, site_pages):
    html = client.get("/").content.decode()
    assert "<h1>СНТ «Тестовое»</h1>" in html
    pinned_section, latest_section = html.split('id="pinned-title"')[1].split('id="latest-title"')
    assert "Общее собрание" in pinned_section
    assert "Общее собрание" not in latest_section
    assert latest_section.index("Показания загружены") < latest_section.index("Вывоз мусора")
    assert 'href="/accounts/login/"' in html
    assert 'href="/accounts/signup/"' in html


def test_home_page_sends_a_member_to_the_cabinet(client, site_pages, django_user_model):
    client.force_login(django_user_model.objects.create_user(username="269", password="x"))
    html = client.get("/").content.decode()
    assert '<a class="button" href="/cabinet/">Перейти в личный кабинет</a>' in html


def test_board_page_lists_members_with_role_and_hours(client, site_pages):
    html = client.get(site_pages.board.url).content.decode()
    assert "Иванов Сергей Петрович" in html
    assert "Председатель правления" in html
    assert "Суббота, 11:00–14:00" in html


def test_content_page_renders_table_block(client, site_pages):
    html = client.get(site_pages.finance.url).content.decode()
    assert '<div class="table-wrap"' in html
    assert '<th scope="col"' in html
    assert "6.82" in html


def test_unpublished_page_is_not_served(client, site_pages):
    site_pages.charter.unpublish()
    assert client.get("/ustav/").status_code == HTTPStatus.NOT_FOUND
