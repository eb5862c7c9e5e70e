from http import HTTPStatus

import pytest
from django.test import RequestFactory

from home.menu import menu_items

pytestmark = pytest.mark.django_db

MENU = ["Объявления", "Устав", "Правление", "Финансы", "Контакты", "Мои данные", "Помощь"]


def nav_html(client, url="/"):
    html = client.get(url).content.decode()
    return html.split('<nav class="main-nav"')[1].split("</nav>")[0]


def test_menu_order_is_the_instructions(client, site_pages):
    nav = nav_html(client)
    positions = [nav.index(f">{title}<") for title in MENU]
    assert positions == sorted(positions)
    assert "Согласие" not in nav


def test_menu_links_point_at_the_pages(client, site_pages):
    nav = nav_html(client)
    for page in site_pages.menu_pages:
        assert f'href="{page.url}"' in nav


def test_visitor_sees_login_and_signup_under_my_data(client, site_pages):
    nav = nav_html(client)
    my_data = nav.split("Мои данные")[1]
    assert '<a href="/accounts/login/">Войти</a>' in my_data
    assert '<a href="/accounts/signup/">Зарегистрироваться</a>' in my_data


def test_current_section_is_marked(client, site_pages):
    nav = nav_html(client, site_pages.latest.url)
    assert f'<a href="{site_pages.announcements.url}" aria-current="page">Объявления</a>' in nav
    assert nav.count('aria-current="page"') == 1


def test_hidden_or_missing_pages_leave_the_menu(client, site_pages):
    site_pages.finance.show_in_menus = False
    site_pages.finance.save()
    site_pages.board.unpublish()
    nav = nav_html(client)
    assert "Финансы" not in nav
    assert "Правление" not in nav
    assert nav.index("Устав") < nav.index("Контакты") < nav.index("Мои данные") < nav.index("Помощь")


def test_menu_costs_one_page_query(site_pages, django_assert_num_queries):
    request = RequestFactory().get("/")
    menu_items(request)  # warm Wagtail's site and root-path caches
    request = RequestFactory().get("/")
    with django_assert_num_queries(2):  # the site for the host, the home page's children
        items = menu_items(request)
    assert [item.title for item in items] == MENU
    with django_assert_num_queries(0):
        menu_items(request)


def test_menu_on_non_wagtail_pages(client, site_pages):
    response = client.get("/search/")
    assert response.status_code == HTTPStatus.OK
    assert ">Помощь<" in nav_html(client, "/search/")
