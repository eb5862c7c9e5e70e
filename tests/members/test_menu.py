import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.models import ImportBatch
from tests.factories import ImportBatchFactory

pytestmark = pytest.mark.django_db


def test_member_menu_has_every_item_of_the_instruction(member_client):
    ImportBatchFactory(kind=ImportBatch.Kind.CHARGES, as_of=datetime.date(2022, 4, 26))
    ImportBatchFactory(kind=ImportBatch.Kind.READINGS, as_of=datetime.date(2022, 6, 1))
    html = member_client.get("/cabinet/").content.decode()
    for text in [
        "Статус моих оплат от 26 апреля 2022",
        'href="/cabinet/payments/"',
        "Показания моих счетчиков электричества",
        'href="/cabinet/electricity/"',
        'href="/cabinet/reconciliation/">Акт сверки</a>',
        "Изменить регистрационные данные",
        'href="/accounts/email/">Изменить электронную почту или пароль',
        'action="/accounts/logout/"',
        "Ваша учётная запись",
    ]:
        assert text in html, text
    assert re.search(r'href="/cabinet/"[^>]*>269</a>', html)
    assert "Зарегистрироваться" not in html


def test_staff_account_menu_says_registration_data(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser(username="admin", password="x", email=""))
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=django_user_model.objects.get(), email="a@example.org", verified=True)
    html = client.get("/cabinet/").content.decode()
    assert re.search(r'href="/cabinet/"[^>]*>Регистрационные данные</a>', html)


def test_visitor_menu_offers_login_and_signup(client):
    html = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/login/">Войти</a>' in html
    assert 'href="/accounts/signup/">Зарегистрироваться</a>' in html
    assert "Статус моих оплат" not in html


def test_menu_date_costs_one_query_per_request(rf, member):
    from members.context_processors import cabinet

    request = rf.get("/")
    request.user = member
    context = cabinet(request)["cabinet"]
    with CaptureQueriesContext(connection) as queries:
        assert context.payment_status_date is None
        assert context.payment_status_date is None
    assert len(queries) == 1
