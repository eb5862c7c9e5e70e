"""Querysets that Django builds and compiles once per process, run with new parameters each time.

Every page runs the same few queries (the site with its settings, the route, the menu, the home
page's announcements). Measured uncached, Django spent longer building those querysets and compiling
them to SQL than PostgreSQL spent answering them (issue 11). `CompiledQuery` builds the queryset
once with placeholder arguments, compiles it, notes where each argument lands among the SQL's
parameters, and from then on hands Django's own iterable (model instances, `select_related`,
annotations, `values_list`) a compiler that already holds the SQL: only the parameters change.

An argument is a string, an int, or a list/tuple of either (one compiled SQL per length, for lists
of 1 to `LONGEST_LIST` items; an empty or longer one is built as usual). The SQL may compare it,
test membership in it, use it as a LIKE prefix or in a LIKE the backend escapes (SQLite's `iexact`);
anything that computes another value from it is refused when the SQL is first compiled, so a query
never runs with a placeholder in it.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections
from django.db.models import QuerySet

# Far from any id, depth or count a query compares with, yet inside a 32-bit integer column's range
# (Django compiles a comparison with a value out of the column's range to «no rows»; a positive
# integer column takes no negative value).
_PLACEHOLDER_INT = 2_000_000_000
_MARK = "\ue000"  # a private-use character: never in a path, slug or host name


# One SQL is kept per length of a list argument, up to this length (a member's plots, a page's path);
# a longer list is a one-off query and is built as usual, so what is kept stays small.
LONGEST_LIST = 16


class UnsupportedArgument(TypeError):
    """The queryset transforms an argument in a way the compiled SQL cannot repeat."""


class _Use:
    AS_IS, ESCAPED, PREFIX = "as is", "escaped", "prefix"  # the last two: for LIKE, escaped by the backend


@dataclass(frozen=True, slots=True)
class _Slot:
    """Where one SQL parameter comes from: an argument (and its item, for a list) used as is,
    escaped for LIKE, or as a LIKE prefix; or the literal the queryset compiled to."""

    argument: int | None
    item: int | None = None
    use: str = _Use.AS_IS
    literal: Any = None


@dataclass(frozen=True, slots=True)
class _Compiled:
    queryset: QuerySet
    compiler: Any
    sql: str
    slots: tuple[_Slot, ...]


def _placeholder(kind: type, argument: int, item: int) -> Any:
    if kind is int:
        return _PLACEHOLDER_INT + argument * 1000 + item
    return f"{_MARK}{argument}.{item}%_{_MARK}"  # «%_» tells a LIKE's escaping from a plain comparison


def _placeholders(args: Sequence[Any]) -> tuple[list[Any], dict[Any, tuple[int, int | None]]]:
    """Placeholder arguments of the same types and lengths, and which argument each stands for."""
    values: list[Any] = []
    where: dict[Any, tuple[int, int | None]] = {}
    for index, arg in enumerate(args):
        if isinstance(arg, list | tuple):
            items = [_placeholder(type(value), index, n) for n, value in enumerate(arg)]
            where.update({value: (index, n) for n, value in enumerate(items)})
            values.append(type(arg)(items))
        elif isinstance(arg, bool) or not isinstance(arg, int | str):
            raise UnsupportedArgument(f"argument {index}: only strings, ints and lists of them, not {type(arg)}")
        else:
            value = _placeholder(type(arg), index, 0)
            where[value] = (index, None)
            values.append(value)
    return values, where


def _slot(param: Any, where: dict[Any, tuple[int, int | None]], connection) -> _Slot:
    if isinstance(param, bool) or not isinstance(param, int | str):
        return _Slot(None, literal=param)
    if param in where:
        return _Slot(*where[param])
    if isinstance(param, str) and _MARK in param:
        escaped = {
            connection.ops.prep_for_like_query(value): spot for value, spot in where.items() if isinstance(value, str)
        }
        if param in escaped:
            return _Slot(*escaped[param], use=_Use.ESCAPED)
        if param.endswith("%") and param[:-1] in escaped:
            return _Slot(*escaped[param[:-1]], use=_Use.PREFIX)
    if (isinstance(param, str) and _MARK in param) or (isinstance(param, int) and param >= _PLACEHOLDER_INT):
        raise UnsupportedArgument(f"an argument is transformed into the SQL parameter {param!r}")
    return _Slot(None, literal=param)


class CompiledQuery:
    """`CompiledQuery(build)(*args)` is `build(*args)`, run: `build` returns a queryset whose shape
    does not depend on the arguments' values (only on list lengths); its SQL is compiled once."""

    def __init__(self, build: Callable[..., QuerySet]) -> None:
        self.build = build
        self._compiled: dict[tuple, _Compiled] = {}
        self._lock = threading.Lock()

    def __call__(self, *args: Any) -> QuerySet:
        """A queryset to iterate (once) for these arguments."""
        if any(isinstance(arg, list | tuple) and not 0 < len(arg) <= LONGEST_LIST for arg in args):
            # a board's or a task's query, or one Django answers with no SQL at all: built as usual
            return self.build(*args)
        compiled = self._get(args)
        connection = connections[compiled.queryset.db]  # this thread's, not the compiling one's
        params = []
        for slot in compiled.slots:
            if slot.argument is None:
                params.append(slot.literal)
                continue
            value = args[slot.argument] if slot.item is None else args[slot.argument][slot.item]
            if slot.use != _Use.AS_IS:
                value = connection.ops.prep_for_like_query(value) + ("%" if slot.use == _Use.PREFIX else "")
            params.append(value)
        bound = copy.copy(compiled.compiler)
        bound.connection = connection
        sql, bound_params = compiled.sql, tuple(params)
        bound.as_sql = lambda *a, **k: (sql, bound_params)
        queryset = compiled.queryset._chain()
        queryset.query.get_compiler = lambda *a, **k: bound
        return queryset

    def _shape(self, args: Sequence[Any]) -> tuple:
        return tuple(len(arg) if isinstance(arg, list | tuple) else type(arg) for arg in args)

    def _get(self, args: Sequence[Any]) -> _Compiled:
        key = self._shape(args)
        compiled = self._compiled.get(key)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(key) or self._compile(args)
                self._compiled[key] = compiled
        return compiled

    def _compile(self, args: Sequence[Any]) -> _Compiled:
        values, where = _placeholders(args)
        queryset = self.build(*values)
        connection = connections[queryset.db]
        compiler = queryset.query.get_compiler(using=queryset.db)
        try:
            sql, params = compiler.as_sql()
        except (EmptyResultSet, FullResultSet) as error:
            raise UnsupportedArgument(
                "the placeholders compiled to no SQL: an argument is out of its column's range"
            ) from error
        slots = tuple(_slot(param, where, connection) for param in params)
        return _Compiled(queryset, compiler, sql, slots)

    def clear(self) -> None:
        """Forget the compiled SQL (a test that changes the database backend)."""
        with self._lock:
            self._compiled.clear()
