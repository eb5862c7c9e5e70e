from http import HTTPStatus

import pytest
from django.template.loader import get_template
from django.test import RequestFactory
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db


def test_404_is_the_custom_page(client, site_pages):
    response = client.get("/net-takoy-stranicy/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    html = response.content.decode()
    assert "<h1>Страница не найдена</h1>" in html
    assert '<nav class="main-nav"' in html
    assert 'Перейдите <a href="/">на главную</a> или воспользуйтесь <a href="/search/">поиском</a>.' in html


def test_500_renders_without_request_or_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = get_template("500.html").render({})
    assert "<h1>Ошибка на сервере</h1>" in html
    assert 'lang="ru"' in html


def test_500_handler_uses_the_template():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert "Ошибка на сервере" in response.content.decode()
