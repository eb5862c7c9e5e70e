"""«Неразобранные платежи» in the admin: the list, assigning with a split, the Russian messages for
bad input, «не взнос», and undoing a statement."""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from billing.models import Article, BankTransaction, ImportBatch, KnownPayer, Payment
from tests.factories import ArticleFactory, PlotFactory

from .test_exchange import sample_text
from .test_import_statement import cp1251, load

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued():
    PlotFactory(number=269)
    PlotFactory(number=270)
    ArticleFactory(name="Электроэнергия", kind=Article.Kind.ELECTRICITY)
    ArticleFactory(name="Членские взносы 2022", kind=Article.Kind.MEMBERSHIP, year=2022)
    load(cp1251(sample_text().replace("Членский взнос за 2022 г., уч. 270.", "Членский взнос за 2022 г.")))
    return BankTransaction.objects.get(number="77")


def parts_data(*rows, learn=True, **extra):
    data = {"part-TOTAL_FORMS": "5", "part-INITIAL_FORMS": "0", "part-MIN_NUM_FORMS": "0", "part-MAX_NUM_FORMS": "5"}
    for index, (plot, article, amount) in enumerate(rows):
        data.update({f"part-{index}-plot": plot, f"part-{index}-article": article, f"part-{index}-amount": amount})
    if learn:
        data["learn"] = "on"
    return {**data, **extra}


def test_the_queue_lists_what_waits_and_the_statements(treasurer_client, queued):
    html = treasurer_client.get(reverse("billing_statement_queue")).content.decode()
    assert "Петрова Анна Сергеевна" in html and "Членский взнос за 2022 г." in html
    assert "в назначении нет номера участка" in html
    assert reverse("billing_statement_assign", args=[queued.pk]) in html
    assert "Отменить выписку" in html


def test_assign_with_a_split_posts_and_learns(treasurer_client, queued):
    article = Article.objects.get(name="Членские взносы 2022").pk
    url = reverse("billing_statement_assign", args=[queued.pk])
    page = treasurer_client.get(url).content.decode()
    assert 'name="part-0-plot"' in page and "8200" in page
    response = treasurer_client.post(url, parts_data(("269", article, "4100.00"), ("270", article, "4100")))
    assert response.status_code == HTTPStatus.FOUND
    assert sorted(Payment.objects.filter(transaction=queued).values_list("plot__number", flat=True)) == [269, 270]
    assert KnownPayer.objects.count() == 2
    assert treasurer_client.get(url).status_code == HTTPStatus.NOT_FOUND  # no longer queued


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ((("269", "A", "4100.00"), ("270", "A", "4000.00")), "Части в сумме дают 8100.00 ₽, а платёж — 8200.00 ₽"),
        ((("999", "A", "8200"),), "Участка 999 нет в реестре."),
        ((("٢٦٩", "A", "8200"),), "Номер участка — это цифры, например 269."),
        ((("269", "A", "82,00,0"),), "Введите сумму числом, например 4121.45."),
        ((("269", "", "8200"),), "Заполните в строке участок, статью и сумму — или оставьте её пустой."),
        ((), "Укажите хотя бы один участок, статью и сумму."),
    ],
)
def test_bad_input_gets_a_russian_message_and_writes_nothing(treasurer_client, queued, rows, message):
    article = str(Article.objects.get(name="Членские взносы 2022").pk)
    rows = [(plot, article if chosen == "A" else chosen, amount) for plot, chosen, amount in rows]
    response = treasurer_client.post(reverse("billing_statement_assign", args=[queued.pk]), parts_data(*rows))
    assert response.status_code == HTTPStatus.OK
    assert message in response.content.decode()
    assert not Payment.objects.filter(transaction=queued).exists()


def test_not_a_fee(treasurer_client, queued):
    treasurer_client.post(reverse("billing_statement_assign", args=[queued.pk]), parts_data(skip="1"))
    queued.refresh_from_db()
    assert queued.status == BankTransaction.Status.SKIPPED


def test_undo_shows_what_goes_then_removes_it(treasurer_client, queued):
    url = reverse("billing_statement_undo", args=[queued.batch_id])
    assert (
        "документов: 4 (в очереди: 1, расходов: 2); платежей: 1 на 4121.45 ₽"
        in treasurer_client.get(url).content.decode()
    )
    treasurer_client.post(url)
    assert BankTransaction.objects.count() == 0 and Payment.objects.count() == 0
    assert not ImportBatch.objects.filter(kind=ImportBatch.Kind.STATEMENT).exists()


def sent_away(response, user) -> None:
    """Wagtail answers a refused admin page with a redirect: staff to the dashboard, others to the login."""
    expected = "/admin/" if user.is_staff else "/accounts/login/"
    assert response.status_code == HTTPStatus.FOUND and response["Location"].startswith(expected), user


def test_members_and_editors_cannot_reach_the_queue(editor, member, queued):
    for user in (editor, member):
        who = Client()
        who.force_login(user)
        sent_away(who.get(reverse("billing_statement_queue")), user)
        sent_away(
            who.post(reverse("billing_statement_assign", args=[queued.pk]), parts_data(("270", "1", "8200"))), user
        )
    assert not Payment.objects.filter(transaction=queued).exists()
