from http import HTTPStatus

import pytest

pytestmark = pytest.mark.django_db


def test_search_finds_a_page(client, site_pages):
    response = client.get("/search/", {"query": "устав"})
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert f'<a href="{site_pages.charter.url}">Устав</a>' in html
    assert "Правление</a></h2>" not in html


def test_search_without_results_says_so(client, site_pages):
    html = client.get("/search/", {"query": "абракадабра"}).content.decode()
    assert "По запросу «абракадабра» ничего не найдено" in html


def test_empty_search_shows_the_form(client, site_pages):
    html = client.get("/search/").content.decode()
    assert '<input id="search-query" type="search" name="query" value="">' in html
    assert "Найдено" not in html


def test_search_skips_unpublished_pages(client, site_pages):
    site_pages.charter.unpublish()
    html = client.get("/search/", {"query": "устав"}).content.decode()
    assert "ничего не найдено" in html


@pytest.mark.parametrize(
    "query",
    ['a"b', '"', "устав\x00", "a'b", "(устав", "устав)", "NEAR(", "a AND OR", "*", "-устав", "a:b", "^", "\\"],
)
def test_any_typed_query_gets_a_page(client, site_pages, query):
    response = client.get("/search/", {"query": query})
    assert response.status_code == HTTPStatus.OK
    assert "Найдено" in response.content.decode() or "ничего не найдено" in response.content.decode()


def test_quotes_and_nul_do_not_hide_the_words(client, site_pages):
    html = client.get("/search/", {"query": '"устав\x00'}).content.decode()
    assert f'<a href="{site_pages.charter.url}">Устав</a>' in html


def test_a_lone_nul_is_an_empty_search(client, site_pages):
    response = client.get("/search/", {"query": "\x00"})
    assert response.status_code == HTTPStatus.OK
    assert '<input id="search-query" type="search" name="query" value="">' in response.content.decode()
