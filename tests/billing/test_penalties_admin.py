"""«Начислить пени» in the admin, the command, the monthly task, the rules' snippet and the
recomputation when a payment arrives dated before penalties already accrued."""

import datetime
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_q.models import Schedule

from billing.models import Article, Charge, DebtSettings, PenaltyRule
from billing.services.imports import run_import
from billing.tasks import accrue_penalties_monthly
from tests.factories import ArticleFactory, ChargeFactory, PlotFactory

pytestmark = pytest.mark.django_db
D = datetime.date
URL = "/admin/billing/penalties/"


@pytest.fixture
def overdue():
    """Plot 269's fee of 1 000,00 due 1 July 2022, a rule of 0,1 % a day."""
    article = ArticleFactory(name="Членские взносы 2022", kind=Article.Kind.MEMBERSHIP, year=2022)
    PenaltyRule.objects.create(name="Пени по уставу", rate=Decimal("0.1"), valid_from=D(2020, 1, 1), cap="debt")
    return ChargeFactory(plot=PlotFactory(number=269), article=article, amount=Decimal("1000.00"))


def penalties() -> list[tuple[int, datetime.date, Decimal]]:
    rows = Charge.objects.filter(article__kind=Article.Kind.PENALTY).order_by("plot__number", "accrued_on")
    return list(rows.values_list("plot__number", "accrued_on", "amount"))


def test_preview_then_accrue_then_nothing_to_add(treasurer_client, overdue):
    assert reverse("billing_accrue_penalties") == URL
    page = treasurer_client.get(URL).content.decode()
    assert "Начислить пени по дату" in page
    preview = treasurer_client.post(URL, {"on": "11.07.2022"})
    html = preview.content.decode()
    assert "Новых начислений 1" in html and "растёт на 10,00 ₽" in html
    assert "data-penalty-preview" in html and "269" in html
    assert penalties() == []

    done = treasurer_client.post(URL, {"on": "2022-07-11", "confirm": "1"})
    assert done.status_code == HTTPStatus.FOUND
    assert penalties() == [(269, D(2022, 7, 11), Decimal("10.00"))]
    assert "Пени начислены по 11.07.2022" in treasurer_client.get(done["Location"]).content.decode()

    again = treasurer_client.post(URL, {"on": "2022-07-11", "confirm": "1"}, follow=True)
    assert "уже начислены" in again.content.decode()
    assert penalties() == [(269, D(2022, 7, 11), Decimal("10.00"))]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Укажите дату."),
        ("32.13.2022", "Введите дату в виде ДД.ММ.ГГГГ."),
        ("٢٠٢٢-٠٧-١١", "Введите дату в виде ДД.ММ.ГГГГ."),
        ("01.01.2099", "ещё не наступила"),
        ("31.12.2021", "раньше первого начисления"),
    ],
)
def test_bad_dates_are_refused_in_russian(treasurer_client, overdue, value, message):
    response = treasurer_client.post(URL, {"on": value, "confirm": "1"})
    assert response.status_code == HTTPStatus.OK
    assert message in response.content.decode()
    assert penalties() == []


def test_members_and_editors_cannot_accrue(member, editor, overdue):
    for user in (member, editor):
        client = Client()
        client.force_login(user)
        response = client.post(URL, {"on": "2022-07-11", "confirm": "1"})
        assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
        assert not response.get("Location", "").startswith(URL)
    assert penalties() == []


def test_command_dry_run_then_real(overdue, capsys):
    call_command("accrue_penalties", "--on", "2022-07-11", "--dry-run")
    assert "Пробный запуск" in capsys.readouterr().out
    assert penalties() == []
    call_command("accrue_penalties", "--on", "11.07.2022")
    out = capsys.readouterr().out
    assert "участок 269, 11.07.2022: 0,00 → 10,00 ₽" in out
    assert penalties() == [(269, D(2022, 7, 11), Decimal("10.00"))]
    with pytest.raises(CommandError, match="ГГГГ-ММ-ДД"):
        call_command("accrue_penalties", "--on", "вчера")
    with pytest.raises(CommandError, match="ещё не наступила"):
        call_command("accrue_penalties", "--on", "2099-01-01")


def test_monthly_task_is_scheduled_and_says_why_it_did_nothing(overdue):
    schedule = Schedule.objects.get(func="billing.tasks.accrue_penalties_monthly")
    assert schedule.schedule_type == Schedule.MONTHLY and schedule.next_run.day == 1
    assert "новых 1" in accrue_penalties_monthly()
    PenaltyRule.objects.all().delete()
    assert "Нет ни одного правила" in accrue_penalties_monthly()


def test_a_payments_file_dated_back_lowers_the_penalties_already_accrued(overdue):
    call_command("accrue_penalties", "--on", "2022-07-21")
    assert penalties() == [(269, D(2022, 7, 21), Decimal("20.00"))]
    content = "Участок;Дата;Сумма;Статья;Документ\n269;06.07.2022;1000,00;Членские взносы 2022;77\n".encode()
    report = run_import(kind="payments", file_name="p.csv", content=content, commit=True)
    assert report.committed
    assert penalties() == [(269, D(2022, 7, 21), Decimal("4.00"))]  # 2–5 July only


def test_the_rule_snippet_refuses_overlap_in_russian(treasurer_client, overdue):
    response = treasurer_client.post(
        reverse("wagtailsnippets_billing_penaltyrule:add"),
        {
            "name": "Новое",
            "for_membership": "on",
            "rate": "0,2",
            "grace_days": "0",
            "cap": "none",
            "valid_from": "2023-01-01",
        },
    )
    assert response.status_code == HTTPStatus.OK
    assert "пересекается с правилом «Пени по уставу" in response.content.decode()
    assert PenaltyRule.objects.count() == 1


def test_debt_settings_refuse_an_impossible_date_and_unknown_placeholders():
    settings = DebtSettings(fee_due_month=2, fee_due_day=30, reminder_sms_text="Долг {debt}")
    with pytest.raises(Exception) as refused:
        settings.full_clean()
    assert "Такой даты нет" in str(refused.value)
    settings.fee_due_day = 28
    with pytest.raises(Exception) as refused:
        settings.full_clean()
    assert "Неизвестная подстановка" in str(refused.value)
