"""The members' registry (217-ФЗ ст. 15): validation, the admin list and export, linking a site user,
and the member's own read-only entry."""

import datetime
import io
from http import HTTPStatus

import openpyxl
import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from billing import models as billing_models
from billing.validators import CADASTRAL_ERROR, CADASTRAL_RE
from members.meetings import registry
from members.meetings.models import Ownership, Person
from members.models import PlotClaim
from tests.billing.test_permissions import menu_labels
from tests.factories import PlotClaimFactory, PlotFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2020, 1, 1)
ADMIN_LIST = "/admin/meetings/person/"


def person(name="Иванов Иван Иванович", **fields) -> Person:
    fields.setdefault("is_member", True)
    fields.setdefault("member_since", DAY)
    return Person.objects.create(full_name=name, **fields)


def owns(who: Person, plot, *, share=(1, 1), owned_from=DAY, owned_to=None, **fields) -> Ownership:
    ownership = Ownership(
        person=who,
        plot=plot,
        share_numerator=share[0],
        share_denominator=share[1],
        owned_from=owned_from,
        owned_to=owned_to,
        **fields,
    )
    ownership.full_clean()
    ownership.save()
    return ownership


def errors(instance) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        instance.full_clean()
    return error.value.message_dict


# --- the models ---------------------------------------------------------------------------------


def test_a_member_needs_the_date_of_membership():
    assert errors(Person(full_name="Петров П. П.", is_member=True)) == {
        "member_since": ["Укажите, с какой даты человек — член товарищества."]
    }
    Person(full_name="Петров П. П.", is_member=False).full_clean()  # an owner without membership


def test_person_clean_normalises_name_and_phone_and_refuses_bad_ones():
    entry = Person(full_name="  Петров   Пётр  ", phone="+7 (999) 123-45-67", is_member=False)
    entry.full_clean()
    assert (entry.full_name, entry.phone) == ("Петров Пётр", "89991234567")
    assert "phone" in errors(Person(full_name="Петров", phone="٨٩٩٩١٢٣٤٥٦٧", is_member=False))
    assert errors(Person(full_name="   ", is_member=False)) == {"full_name": ["Укажите фамилию, имя и отчество."]}
    ended = Person(full_name="Петров", is_member=False, member_since=DAY, membership_ended_on=DAY.replace(year=2019))
    assert errors(ended) == {"membership_ended_on": ["Членство не может закончиться раньше, чем началось."]}
    still = Person(full_name="Петров", is_member=True, member_since=DAY, membership_ended_on=DAY)
    assert "membership_ended_on" in errors(still)


@pytest.mark.parametrize(("share", "valid"), [((1, 1), True), ((1, 2), True), ((0, 1), False), ((3, 2), False)])
def test_a_share_is_above_zero_and_at_most_one(share, valid):
    ownership = Ownership(
        person=person(), plot=PlotFactory(), share_numerator=share[0], share_denominator=share[1], owned_from=DAY
    )
    if valid:
        ownership.full_clean()
    else:
        assert "share_numerator" in errors(ownership)


def test_ownership_dates_are_checked():
    plot = PlotFactory()
    backwards = Ownership(person=person(), plot=plot, owned_from=DAY, owned_to=DAY - datetime.timedelta(days=1))
    assert errors(backwards) == {"owned_to": ["Дата окончания владения раньше даты начала."]}
    owns(person(), plot)


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("", True),
        ("50:20:0010101:123", True),
        ("50:20:001010:1", True),
        ("=1+2", False),
        ("50:20:0010101", False),
        ("50:20:0010101:123\n", False),
        ("٥٠:٢٠:٠٠١٠١٠١:١٢٣", False),  # Arabic-Indic digits: «\d» alone would take them
        ("５０:２０:００１０１０１:１２３", False),  # full-width digits
    ],
)
def test_the_cadastral_number_is_the_plots_and_is_checked(number, valid):
    plot = PlotFactory.build(number=4321, cadastral_number=number)
    if valid:
        plot.full_clean()
    else:
        assert errors(plot) == {"cadastral_number": [CADASTRAL_ERROR]}
    assert not hasattr(Ownership, "cadastral_number") and "cadastral_number" not in {
        field.name for field in Ownership._meta.get_fields()
    }


def test_the_meetings_app_checks_with_billings_rule():
    from members.meetings.models import CADASTRAL_RE as REEXPORTED

    assert REEXPORTED is CADASTRAL_RE


def test_the_database_refuses_a_share_above_one_even_without_clean():
    with pytest.raises(IntegrityError), transaction.atomic():
        Ownership.objects.create(
            person=person(), plot=PlotFactory(), share_numerator=2, share_denominator=1, owned_from=DAY
        )


def test_the_shares_of_a_plot_on_a_day_add_up_to_at_most_one():
    plot = PlotFactory(number=12)
    owns(person("Первый"), plot, share=(1, 2))
    owns(person("Второй"), plot, share=(1, 2), owned_from=datetime.date(2021, 3, 1))
    third = Ownership(person=person("Третий"), plot=plot, share_numerator=1, share_denominator=3, owned_from=DAY)
    message = errors(third)["share_numerator"][0]
    assert message.startswith("Сумма долей участка 12 на 01.03.2021 — 4/3")


def test_owners_one_after_another_may_each_own_the_whole_plot():
    plot = PlotFactory()
    owns(person("Продавец"), plot, owned_to=datetime.date(2022, 6, 30))
    owns(person("Покупатель"), plot, owned_from=datetime.date(2022, 7, 1))
    overlapping = Ownership(person=person("Третий"), plot=plot, owned_from=datetime.date(2022, 6, 30))
    assert "share_numerator" in errors(overlapping)


def test_members_on_a_date():
    person("Давний", member_since=DAY)
    person("Новый", member_since=datetime.date(2024, 1, 1))
    person("Выбыл", is_member=False, member_since=DAY, membership_ended_on=datetime.date(2022, 1, 1))
    person("Собственник", is_member=False, member_since=None)
    names = set(Person.objects.members_on(datetime.date(2023, 1, 1)).values_list("full_name", flat=True))
    assert names == {"Давний"}


def test_the_board_groups_have_the_registry_permissions_and_editors_do_not():
    registry_codenames = {"view_person", "change_person", "add_person", "link_person", "change_meetingrules"}
    for name in ("Казначей", "Секретарь правления"):
        codenames = set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        assert registry_codenames <= codenames
    secretary = Group.objects.get(name="Секретарь правления").permissions.values_list(
        "content_type__app_label", flat=True
    )
    assert set(secretary) == {"meetings", "wagtailadmin"}
    editors = Group.objects.get(name="Editors").permissions.values_list("codename", flat=True)
    assert not registry_codenames & set(editors)


def test_the_registry_is_in_the_board_menu_but_not_the_editors(treasurer, editor):
    assert "Реестр членов" in menu_labels(treasurer)
    assert "Реестр членов" not in menu_labels(editor)


def test_editors_do_not_see_the_registry(editor_client, client):
    assert (
        editor_client.get(ADMIN_LIST).status_code == HTTPStatus.FOUND
    )  # wagtail's permission denied: to the dashboard
    secretary = UserFactory(username="sekretar", email="", is_staff=True, groups=["Секретарь правления"])
    client.force_login(secretary)
    assert client.get(ADMIN_LIST).status_code == HTTPStatus.OK


# --- the admin ----------------------------------------------------------------------------------


def test_the_registry_list_searches_by_name_and_plot_and_filters_members(treasurer_client):
    plot = PlotFactory(number=269)
    ivanov = person("Иванов Иван Иванович")
    owns(ivanov, plot, owned_to=datetime.date(2020, 12, 31))
    owns(ivanov, plot, owned_from=datetime.date(2021, 1, 1))  # twice the same plot: listed once
    person("Сидорова Анна Петровна", is_member=False, member_since=None)

    page = treasurer_client.get(ADMIN_LIST).content.decode()
    assert "Иванов Иван Иванович" in page and "Сидорова Анна Петровна" in page

    found = BeautifulSoup(treasurer_client.get(ADMIN_LIST, {"q": "269"}).content, "html.parser")
    rows = [row.get_text(" ", strip=True) for row in found.select("table.listing tbody tr")]
    assert len(rows) == 1 and rows[0].startswith("Иванов Иван Иванович") and " 269 Да " in rows[0]
    by_name = treasurer_client.get(ADMIN_LIST, {"q": "сидорова"}).content.decode()
    assert "Сидорова Анна Петровна" in by_name and "Иванов Иван" not in by_name
    owners = treasurer_client.get(ADMIN_LIST, {"is_member__exact": "0"}).content.decode()
    assert "Сидорова Анна Петровна" in owners and "Иванов Иван" not in owners


def test_the_registry_is_not_for_members(member_client, client):
    assert member_client.get(ADMIN_LIST).status_code == HTTPStatus.FOUND  # to the login: no admin access
    assert client.get(ADMIN_LIST).status_code == HTTPStatus.FOUND


def test_the_xlsx_export_for_the_board_has_safe_text_cells(treasurer_client):
    entry = person('=HYPERLINK("http://evil")', phone="89991234567", postal_address="Москва")
    owns(entry, PlotFactory(number=31, cadastral_number="50:20:0010101:31"), share=(1, 2), basis="ЕГРН")
    response = treasurer_client.get(ADMIN_LIST, {"export": "xlsx"})
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Disposition"].startswith('attachment; filename="reestr-')
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == (
        "ФИО",
        "Член товарищества",
        "Член с",
        "Членство прекращено",
        "Участки (доля, кадастровый номер, с — по)",
    )
    assert rows[1][0] == '\'=HYPERLINK("http://evil")'
    assert rows[1][1] == "Да"
    assert rows[1][4] == "31 (1/2, 50:20:0010101:31, с 01.01.2020)"
    assert rows[1][7] == "89991234567"


def _create_form(plot_ids_and_shares, **fields) -> dict:
    data = {
        "full_name": "Новиков Николай",
        "postal_address": "",
        "email": "",
        "phone": "8 999 765-43-21",
        "is_member": "on",
        "member_since": "2021-05-01",
        "membership_ended_on": "",
        "notes": "",
        "ownerships-TOTAL_FORMS": str(len(plot_ids_and_shares)),
        "ownerships-INITIAL_FORMS": "0",
        "ownerships-MIN_NUM_FORMS": "0",
        "ownerships-MAX_NUM_FORMS": "1000",
        **fields,
    }
    for index, (plot_id, numerator, denominator) in enumerate(plot_ids_and_shares):
        data |= {
            f"ownerships-{index}-id": "",
            f"ownerships-{index}-plot": str(plot_id),
            f"ownerships-{index}-share_numerator": str(numerator),
            f"ownerships-{index}-share_denominator": str(denominator),
            f"ownerships-{index}-owned_from": "2021-05-01",
            f"ownerships-{index}-owned_to": "",
            f"ownerships-{index}-basis": "",
        }
    return data


def test_the_admin_creates_an_entry_with_its_ownerships(treasurer_client):
    plot = PlotFactory(number=40)
    response = treasurer_client.post(f"{ADMIN_LIST}create/", _create_form([(plot.pk, 1, 2)], user="1"))
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
    entry = Person.objects.get()
    assert (entry.full_name, entry.phone, entry.user_id) == ("Новиков Николай", "89997654321", None)  # no user field
    assert [(o.plot.number, o.share_label) for o in entry.ownerships.all()] == [(40, "1/2")]


def test_the_admin_refuses_shares_above_one_across_the_rows_of_one_form(treasurer_client):
    plot = PlotFactory(number=41)
    response = treasurer_client.post(f"{ADMIN_LIST}create/", _create_form([(plot.pk, 2, 3), (plot.pk, 2, 3)]))
    assert response.status_code == HTTPStatus.OK
    assert "Сумма долей участка 41 на 01.05.2021 — 4/3" in response.content.decode()
    assert not Person.objects.exists()


def test_the_admin_refuses_a_member_without_a_date(treasurer_client):
    response = treasurer_client.post(f"{ADMIN_LIST}create/", _create_form([], member_since=""))
    assert response.status_code == HTTPStatus.OK
    assert "Укажите, с какой даты человек — член товарищества." in response.content.decode()


# --- linking a site user ------------------------------------------------------------------------


@pytest.fixture
def linkable():
    plot = PlotFactory(number=55)
    entry = person("Кузнецов Кузьма")
    owns(entry, plot)
    owner = UserFactory(username="55")
    PlotClaimFactory(user=owner, plot=plot, status=PlotClaim.Status.CONFIRMED)
    return entry, owner, plot


def _link_url(entry) -> str:
    return f"/admin/meetings/person/{entry.pk}/link/"


def test_the_link_page_lists_the_users_whose_confirmed_plots_the_person_owns(treasurer_client, linkable):
    entry, owner, plot = linkable
    PlotClaimFactory(user=UserFactory(username="pending"), plot=plot, status=PlotClaim.Status.PENDING)
    PlotClaimFactory(user=UserFactory(username="elsewhere"), plot=PlotFactory(), status=PlotClaim.Status.CONFIRMED)
    page = BeautifulSoup(treasurer_client.get(_link_url(entry)).content, "html.parser")
    assert [label.get_text(strip=True) for label in page.select("tbody label")] == ["55"]


def test_the_treasurer_links_and_unlinks(treasurer_client, linkable):
    entry, owner, _ = linkable
    response = treasurer_client.post(_link_url(entry), {"user": str(owner.pk), "action": "link"}, follow=True)
    assert "связана с пользователем 55" in response.content.decode()
    entry.refresh_from_db()
    assert entry.user == owner
    treasurer_client.post(_link_url(entry), {"action": "unlink"})
    entry.refresh_from_db()
    assert entry.user is None


@pytest.mark.parametrize("who", ["pending", "other_plot", "linked_elsewhere", "no_such", "hostile"])
def test_linking_refuses_a_user_whose_confirmed_plots_do_not_match(treasurer_client, linkable, who):
    entry, owner, plot = linkable
    if who == "pending":
        user_id = PlotClaimFactory(plot=plot, status=PlotClaim.Status.PENDING).user_id
    elif who == "other_plot":
        user_id = PlotClaimFactory(plot=PlotFactory(), status=PlotClaim.Status.CONFIRMED).user_id
    elif who == "linked_elsewhere":
        person("Другой", user=owner)
        user_id = owner.pk
    elif who == "no_such":
        user_id = 987654
    else:
        user_id = "٥"
    response = treasurer_client.post(_link_url(entry), {"user": str(user_id)}, follow=True)
    text = response.content.decode()
    assert any(
        message in text
        for message in ("нельзя связать", "Такого пользователя сайта нет", "Выберите одного пользователя сайта")
    )
    entry.refresh_from_db()
    assert entry.user is None


def test_a_sold_plot_links_nobody(linkable):
    entry, owner, _ = linkable
    entry.ownerships.update(owned_to=datetime.date(2021, 1, 1))
    assert registry.link_candidates(entry) == []
    with pytest.raises(registry.LinkRefused):
        registry.link_user(entry.pk, owner.pk)


def test_members_cannot_link(member_client, linkable):
    entry, owner, _ = linkable
    assert member_client.post(_link_url(entry), {"user": str(owner.pk)}).status_code == HTTPStatus.FOUND
    entry.refresh_from_db()
    assert entry.user is None


def test_the_link_page_of_a_missing_entry_is_a_404(treasurer_client):
    assert treasurer_client.get("/admin/meetings/person/999999/link/").status_code == HTTPStatus.NOT_FOUND


# --- the member's own entry ---------------------------------------------------------------------

REGISTRY = "/cabinet/registry/"


def test_a_linked_member_sees_their_entry_read_only(member_client, member, plot_269):
    entry = person(
        "Иванов Иван Иванович", user=member, postal_address="г. Москва, ул. Садовая, 1", phone="89031221105"
    )
    plot_269.cadastral_number = "50:20:0010101:269"
    plot_269.save(update_fields=["cadastral_number"])
    owns(entry, plot_269, share=(1, 2), basis="Выписка ЕГРН")
    response = member_client.get(REGISTRY)
    assert response.status_code == HTTPStatus.OK
    text = response.content.decode()
    for shown in (
        "Иванов Иван Иванович",
        "член товарищества с 01.01.2020",
        "г. Москва, ул. Садовая, 1",
        "50:20:0010101:269",
        "1/2",
    ):
        assert shown in text
    assert "Если данные неверны — напишите правлению" in text
    assert "<form" not in BeautifulSoup(response.content, "html.parser").select_one("main").decode()


def test_an_unlinked_member_is_told_why(member_client):
    text = member_client.get(REGISTRY).content.decode()
    assert "Запись ещё не связана с вашим входом на сайт" in text
    assert "Если данные неверны — напишите правлению" in text


def test_another_member_sees_nothing_of_the_entry(client, member, make_member):
    person("Иванов Иван Иванович", user=member, phone="89031221105")
    other = make_member(username="300", email="other@example.org")
    client.force_login(other)
    text = client.get(REGISTRY).content.decode()
    assert "Иванов Иван" not in text and "89031221105" not in text
    assert "Запись ещё не связана" in text


def test_the_registry_page_needs_a_login(client):
    response = client.get(REGISTRY)
    assert response.status_code == HTTPStatus.FOUND
    assert "/accounts/login/" in response["Location"]


def test_a_plot_in_the_registry_is_not_deleted_and_the_page_says_why(treasurer_client):
    plot = PlotFactory(number=77)
    owns(person("Владелец"), plot)
    url = f"/admin/billing/plot/delete/{plot.pk}/"
    assert treasurer_client.get(url).status_code == HTTPStatus.OK
    response = treasurer_client.post(url)
    assert response.status_code == HTTPStatus.OK
    assert "Владелец" in response.content.decode()
    assert Ownership.objects.filter(plot=plot).exists()


def test_editing_an_entry_does_not_count_its_own_saved_shares_twice(treasurer_client):
    plot = PlotFactory(number=42)
    entry = person("Новиков Николай", member_since=datetime.date(2021, 5, 1))
    ownership = owns(entry, plot, owned_from=datetime.date(2021, 5, 1))
    data = _create_form([(plot.pk, 1, 1)], **{"ownerships-INITIAL_FORMS": "1", "ownerships-0-id": str(ownership.pk)})
    data["ownerships-0-id"] = str(ownership.pk)
    data["ownerships-0-basis"] = "Договор купли-продажи"
    response = treasurer_client.post(f"{ADMIN_LIST}edit/{entry.pk}/", data)
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    ownership.refresh_from_db()
    assert ownership.basis == "Договор купли-продажи"
    # another owner's whole share on the same day is still refused
    other = person("Чужой")
    refused = treasurer_client.post(
        f"{ADMIN_LIST}edit/{other.pk}/", _create_form([(plot.pk, 1, 1)], full_name="Чужой")
    )
    assert refused.status_code == HTTPStatus.OK
    assert "Сумма долей участка 42 на 01.05.2021 — 2" in refused.content.decode()
    assert not other.ownerships.exists()


# --- the cadastral number moves onto the plot (billing 0011, meetings 0005) ----------------------

BEFORE = [("meetings", "0003_general_meetings"), ("billing", "0010_line_balance_sums")]
AFTER = [("meetings", "0005_document_requests_cadastral_on_plot")]
BEFORE_MODELS = (("billing", "Plot"), ("meetings", "Person"), ("meetings", "Ownership"))


@pytest.mark.django_db(transaction=True)
def test_the_migration_copies_the_cadastral_numbers_from_the_ownerships_onto_the_plots():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Plot, Person, Ownership = (old.get_model(*name) for name in BEFORE_MODELS)
    sold, kept, bare = (Plot.objects.create(number=number) for number in (9001, 9002, 9003))
    seller, buyer = Person.objects.create(full_name="Продавец"), Person.objects.create(full_name="Покупатель")
    day = datetime.date(2020, 1, 1)
    Ownership.objects.create(
        person=seller,
        plot=sold,
        cadastral_number="50:20:0010101:1",
        owned_from=day,
        owned_to=datetime.date(2021, 1, 1),
    )
    Ownership.objects.create(
        person=buyer, plot=sold, cadastral_number=" 50:20:0010101:11 ", owned_from=datetime.date(2021, 1, 2)
    )
    Ownership.objects.create(person=buyer, plot=kept, cadastral_number="50:20:0010101:2", owned_from=day)
    Ownership.objects.create(person=seller, plot=bare, cadastral_number="", owned_from=day)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    numbers = dict(billing_models.Plot.objects.filter(number__gte=9001).values_list("number", "cadastral_number"))
    assert numbers == {9001: "50:20:0010101:11", 9002: "50:20:0010101:2", 9003: ""}  # the latest owner's wins
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
