"""`cms.queries.CompiledQuery`: the rows are the ORM's for any arguments, the SQL is compiled once per
shape, and an argument the SQL could not carry as it is refuses to compile rather than run wrong."""

import threading
from unittest import mock

import pytest
from django.db.models.sql.compiler import SQLCompiler

from billing.models import Plot
from cms.queries import LONGEST_LIST, CompiledQuery, UnsupportedArgument
from tests.factories import PlotFactory

pytestmark = pytest.mark.django_db


def by_street_and_numbers(street, numbers):
    return Plot.objects.filter(street__startswith=street, number__in=numbers).order_by("number")


@pytest.fixture
def plots():
    streets = {1: "a_b", 2: "axb", 3: "a%b", 4: "a_b 2", 5: "Сиреневая", 6: "a_b"}
    return {number: PlotFactory(number=number, street=street) for number, street in streets.items()}


def numbers(rows) -> list[int]:
    return [plot.number for plot in rows]


def test_rows_are_the_orms_for_every_argument(plots):
    query = CompiledQuery(by_street_and_numbers)
    cases = [
        ("a_b", (1, 2, 3, 4, 6)),  # «_» is a letter here, not LIKE's any-character
        ("a%b", (1, 2, 3)),  # nor is «%»
        ("a", [1, 2, 3, 4, 5, 6]),
        ("Сирен", (5,)),
        ("a_b", (2, 5)),
        ("", ()),
    ]
    for street, wanted in cases:
        assert numbers(query(street, wanted)) == numbers(by_street_and_numbers(street, wanted)), (street, wanted)
    assert numbers(query("a_b", (1, 2, 3, 4, 6))) == [1, 4, 6]
    assert numbers(query("a%b", (1, 2, 3))) == [3]


def test_the_sql_is_compiled_once_per_shape(plots):
    query = CompiledQuery(by_street_and_numbers)
    assert numbers(query("a", (1, 2))) == [1, 2]
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql) as as_sql:
        assert numbers(query("Сирен", (5, 6))) == [5]
        assert numbers(query("a_b", (6, 4))) == [4, 6]
        assert as_sql.call_count == 0
        assert numbers(query("a", (1, 2, 3))) == [1, 2, 3]  # three numbers: another shape, compiled now
        assert as_sql.call_count == 1


def test_a_long_or_empty_list_is_built_as_usual_and_not_kept(plots):
    query = CompiledQuery(by_street_and_numbers)
    many = list(range(1, LONGEST_LIST + 2))
    assert numbers(query("a", many)) == [1, 2, 3, 4, 6]
    assert numbers(query("a", [])) == []
    assert query._compiled == {}


def test_values_list_slices_and_related_rows_work_as_the_orm(plots):
    query = CompiledQuery(
        lambda street: Plot.objects.filter(street=street).order_by("-number").values_list("number")[:1]
    )
    assert list(query("a_b")) == [(6,)]
    assert list(query("axb")) == [(2,)]
    assert list(query("нет такой")) == []


def test_a_comparison_the_backend_escapes_is_escaped_with_the_real_value(plots):
    """SQLite compares `iexact` with LIKE (so «_» must be escaped), PostgreSQL with UPPER(…) = UPPER(…)."""
    query = CompiledQuery(lambda street: Plot.objects.filter(street__iexact=street).order_by("number"))
    assert numbers(query("A")) == []
    assert numbers(query("A_B")) == [1, 6]
    assert numbers(query("A%B")) == [3]
    orm = Plot.objects.filter(street__iexact="сиреневая").order_by("number")  # SQLite folds ASCII only
    assert numbers(query("сиреневая")) == numbers(orm)


@pytest.mark.parametrize(
    ("build", "argument"),
    [
        (lambda street: Plot.objects.filter(street__icontains=street), "a"),  # «%a%»: not a plain prefix
        (lambda number: Plot.objects.filter(number__gt=number * 2), 3),  # computed from the argument
        (lambda flag: Plot.objects.filter(active=flag), True),  # a bool would meet literal True/False
    ],
)
def test_an_argument_the_sql_cannot_carry_as_is_is_refused(plots, build, argument):
    with pytest.raises(UnsupportedArgument):
        list(CompiledQuery(build)(argument))


@pytest.mark.django_db(transaction=True)
def test_another_thread_runs_it_on_its_own_connection(plots):
    query = CompiledQuery(by_street_and_numbers)
    assert numbers(query("a", (1, 2))) == [1, 2]
    found = []

    def other():
        from django.db import connection

        found.append(numbers(query("a_b", (1, 6))))
        connection.close()

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert found == [[1, 6]]
