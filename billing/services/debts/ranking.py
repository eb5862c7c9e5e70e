"""The debtors report's rows ranked by the database: every plot's overdue amount per article on a
date, the plots' totals, their order, the filters, and one page of rows, in one query over the
whole history (thousands of plots × years of charges and payments per request; nothing stored).

The arithmetic is `items.Account.overdue(on)` and `overdue_since(on)` of the accounts made of
charges (an article of the plot), without building the items: within one article the items' due
order is the order they were charged in (`DuePolicy.for_charge` is a fixed date, or the charge's
date plus a constant), the charges due before `on` are the first items, and the payments up to `on`
pay the positive ones oldest first. With P the article's payments up to `on`, D+ and D− the
positive and negative overdue charges:

    overdue = max(D+ − P, 0) + D−
    oldest unpaid = the first positive overdue charge whose running total of positive ones exceeds P

An account of one positive overdue charge (a year's fee: the common case), or one nothing was paid
to, has its oldest unpaid charge at hand; the running total is computed only for the accounts of
several charges partly paid. Money is exact: every amount is made integer kopecks as it is read
(see KOPECKS), and every sum, running total, comparison and threshold is in integer kopecks. The
electricity periods billed from readings are computed in Python (`overdue.electricity_accounts`)
and sent in as JSON rows, so that they count in the plots' totals and order.

The query returns the plots whose rows meet the page (their rows in full: the order within a plot
is the caller's) and every plot's count, total and place; the page number is clamped as Django's
`Paginator.get_page` does (past the end or below 1: the last page)."""

import datetime
import json
from collections.abc import Collection
from typing import NamedTuple

from django.db import connection

from billing.models import Charge, Payment, Plot
from billing.services.debts.items import ArticleInfo
from billing.services.debts.policy import DuePolicy

EVERY_ROW = 10**9  # the page size that makes one page of every row

RANKED_SQL = """
WITH paid AS (
    SELECT plot_id, article_id, CAST(SUM({amount}) AS BIGINT) AS paid
    FROM {payment} WHERE paid_on <= %s GROUP BY plot_id, article_id
), charged AS (
    SELECT plot_id, article_id, CAST(SUM({amount}) AS BIGINT) AS net,
        COALESCE(CAST(SUM({amount}) FILTER (WHERE amount < 0) AS BIGINT), 0) AS credit,  -- a sum's state only if any
        MIN(CASE WHEN amount > 0 THEN accrued_on END) AS first_positive, COUNT(*) AS charges
    FROM {charge} WHERE {late} GROUP BY plot_id, article_id
), accounts AS (
    SELECT c.plot_id, c.article_id, c.first_positive, c.charges, COALESCE(p.paid, 0) AS paid, {kop} AS kop
    FROM charged c
    LEFT JOIN paid p ON p.plot_id = c.plot_id AND p.article_id = c.article_id
), spread AS (
    SELECT plot_id, article_id, kop, MIN(CASE WHEN run > paid THEN accrued_on END) AS first_unpaid
    FROM (
        SELECT c.plot_id, c.article_id, a.kop, c.accrued_on, a.paid,
            SUM({c_amount}) OVER (PARTITION BY c.plot_id, c.article_id ORDER BY c.accrued_on) AS run
        FROM accounts a JOIN {charge} c ON c.plot_id = a.plot_id AND c.article_id = a.article_id
        WHERE a.charges > 1 AND a.paid > 0 AND a.kop > 0 AND a.kop >= %s
            AND c.amount > 0 AND ({late_c})
    ) r
    GROUP BY plot_id, article_id, kop
), shown AS NOT MATERIALIZED (  -- read twice, computed twice: cheaper than a table of every row
    SELECT plot_id, article_id, kop, first_unpaid FROM (
        SELECT plot_id, article_id, kop, first_positive AS first_unpaid FROM accounts
        WHERE kop > 0 AND kop >= %s AND NOT (charges > 1 AND paid > 0)
        UNION ALL
        SELECT plot_id, article_id, kop, first_unpaid FROM spread
    ) late
    WHERE {old_enough}{electricity}
), plots AS (
    SELECT plot_id, COUNT(*) AS n, SUM(kop) AS total FROM shown GROUP BY plot_id
), ranked AS (
    SELECT p.plot_id, pl.number, pl.owner_name AS owner, p.total,
        CAST(SUM(p.n) OVER (ORDER BY {plot_order} ROWS UNBOUNDED PRECEDING) AS BIGINT) - p.n AS first_row, p.n
    FROM plots p JOIN {plot} pl ON pl.id = p.plot_id
), summary AS (
    SELECT COUNT(*) AS plots, CAST(COALESCE(SUM(n), 0) AS BIGINT) AS lines, COALESCE(SUM(total), 0) AS total
    FROM plots
), page AS (
    SELECT (CASE WHEN %s BETWEEN 1 AND pages THEN %s ELSE pages END - 1) * %s AS start
    FROM (SELECT CASE WHEN lines > 0 THEN (lines + %s - 1) / %s ELSE 1 END AS pages FROM summary) counted
), met AS (
    SELECT r.plot_id, r.number, r.owner, r.total, r.first_row
    FROM ranked r, page g WHERE r.first_row < g.start + %s AND r.first_row + r.n > g.start
)
SELECT 0, u.plots, u.lines, CAST(u.total AS BIGINT), g.start, CAST(NULL AS TEXT), CAST(NULL AS DATE)
FROM summary u, page g
UNION ALL
SELECT 1, plot_id, number, CAST(total AS BIGINT), first_row, owner, CAST(NULL AS DATE) FROM met
UNION ALL
SELECT 2, plot_id, article_id, kop, NULL, NULL, first_unpaid FROM shown WHERE plot_id IN (SELECT plot_id FROM met)
"""

ELECTRICITY_ROWS = {  # (plot_id, kop) pairs as a JSON array: a row of NULL article
    "sqlite": """
    UNION ALL SELECT CAST(json_extract(value, '$[0]') AS BIGINT), CAST(NULL AS BIGINT),
        CAST(json_extract(value, '$[1]') AS BIGINT), CAST(NULL AS DATE) FROM json_each(%s)""",
    "postgresql": """
    UNION ALL SELECT CAST(e ->> 0 AS BIGINT), CAST(NULL AS BIGINT), CAST(e ->> 1 AS BIGINT), CAST(NULL AS DATE)
    FROM json_array_elements(CAST(%s AS JSON)) AS e""",
}
PLOT_ORDER = {"amount": "p.total DESC, pl.number", "number": "pl.number"}
# An amount (a DecimalField of 2 decimal places, at most 12 digits) as integer kopecks, row by row,
# before anything is summed. On PostgreSQL the numeric times 100 is a whole number and its cast
# to bigint exact (no ROUND: a third slower, and nothing to round). SQLite stores the amount as a
# float (an integer when whole), within a thousandth of a kopeck of it at 12 digits: ROUND gives
# the kopecks exactly (its CAST alone would truncate). The sums are then of integers, exact
# whatever their number (PostgreSQL's SUM(bigint) accumulates in a 128-bit integer and returns a
# numeric, cast back to bigint: a plot's kopecks are far within its range), and as fast as sums of
# floats. Summed as floats, a thousand amounts of 12 digits came a kopeck off
# (tests/billing/test_debtors.py).
KOPECKS = {"postgresql": "CAST({} * 100 AS BIGINT)", "sqlite": "CAST(ROUND({} * 100) AS BIGINT)"}


class Line(NamedTuple):
    """A row of the page's plots: `article_id` None is the electricity by readings."""

    plot_id: int
    number: int
    owner: str
    first_row: int  # the plot's first row among all rows
    plot_kop: int
    article_id: int | None
    kop: int
    first_unpaid: datetime.date | None


class Ranked(NamedTuple):
    plots: int
    lines: int  # every row the filters leave
    total_kop: int
    start: int  # the page's first row among all rows
    lines_of_page_plots: list[Line]


def _by_article(
    cutoffs: dict[int, datetime.date], article: str, day: str, compare: str, every: bool = False
) -> tuple[str, list]:
    """`day compare cutoff` for every article of `cutoffs`, one comparison a distinct cutoff; a
    false condition when there is none. `+article`: the scan, not the article's index, feeds the
    grouping in the order of the plot's index."""
    articles: dict[datetime.date, list[int]] = {}
    for pk, cutoff in cutoffs.items():
        articles.setdefault(cutoff, []).append(pk)
    if every and len(articles) == 1:  # `cutoffs` has every article, all of one day: no list to check
        return f"{day} {compare} %s", [*articles]
    clauses, params = [], []
    for cutoff, ids in articles.items():
        clauses.append(f"(+{article} IN ({', '.join(['%s'] * len(ids))}) AND {day} {compare} %s)")
        params += [*ids, cutoff]
    return " OR ".join(clauses) or "1 = 0", params


def _cutoffs(
    chosen: list[ArticleInfo], policy: DuePolicy, on: datetime.date, min_days: int
) -> tuple[dict[int, datetime.date], dict[int, datetime.date]]:
    """By article: the charges overdue on `on` are those accrued before the first day; the rows of
    at least `min_days` days (when more than one) those whose oldest unpaid charge was accrued on
    or before the second (due on or before `on` − `min_days`)."""
    late, old = {}, {}
    for info in chosen:
        terms = {"kind": info.kind, "year": info.year, "due_on": info.due_on}
        cutoff = policy.late_if_accrued_before(**terms, on=on)
        if cutoff is None:
            continue
        late[info.pk] = cutoff
        if min_days > 1:
            old_by = policy.accrued_by(**terms, due_by=on - datetime.timedelta(days=min_days))
            if old_by is not None:
                old[info.pk] = old_by
    return late, old


def _read(rows: list[tuple]) -> Ranked:
    """The summary row first, then the page's plots (kind 1) and their rows (kind 2)."""
    _, plots, lines, total, start, _, _ = rows[0]
    met = {row[1]: row for row in rows if row[0] == 1}
    found = []
    for kind, plot_id, article_id, kop, _, _, first_unpaid in rows:
        if kind == 2:
            number, plot_kop, first_row, owner = met[plot_id][2:6]
            found.append(Line(plot_id, number, owner, int(first_row), int(plot_kop), article_id, kop, first_unpaid))
    found.sort(key=lambda line: line.first_row)
    return Ranked(int(plots), int(lines), int(total), int(start), found)


def ranked(
    *,
    on: datetime.date,
    articles: dict[int, ArticleInfo],
    policy: DuePolicy,
    article_ids: Collection[int] | None,
    min_kop: int,
    min_days: int,
    electricity: list[tuple[int, int]],
    order: str,
    page: int,
    size: int,
) -> Ranked:
    """The rows of the plots on page `page` of `size` rows (`EVERY_ROW`: every plot), the
    articles' rows overdue on `on` (those of `article_ids` if given) of at least `min_kop` and
    `min_days`, with the electricity rows given as (plot_id, kopecks). One query."""
    chosen = [info for pk, info in articles.items() if article_ids is None or pk in article_ids]
    late, old = _cutoffs(chosen, policy, on, min_days)
    every = len(late) == len(articles)
    late_sql, late_params = _by_article(late, "article_id", "accrued_on", "<", every)
    late_c_sql, late_c_params = _by_article(late, "c.article_id", "c.accrued_on", "<", every)
    old_sql, old_params = _by_article(old, "article_id", "first_unpaid", "<=") if min_days > 1 else ("1 = 1", [])
    vendor = connection.vendor
    greatest = "GREATEST" if vendor == "postgresql" else "MAX"
    sql = RANKED_SQL.format(
        payment=connection.ops.quote_name(Payment._meta.db_table),
        charge=connection.ops.quote_name(Charge._meta.db_table),
        plot=connection.ops.quote_name(Plot._meta.db_table),
        kop=f"{greatest}(c.net - c.credit - COALESCE(p.paid, 0), 0) + c.credit",
        amount=KOPECKS[vendor].format("amount"),
        c_amount=KOPECKS[vendor].format("c.amount"),
        late=late_sql,
        late_c=late_c_sql,
        old_enough=old_sql,
        electricity=ELECTRICITY_ROWS[vendor] if electricity else "",
        plot_order=PLOT_ORDER[order],
    )
    page = min(max(page, -1), EVERY_ROW)  # beyond an integer column's range: past the end all the same
    params = [on, *late_params, min_kop, *late_c_params, min_kop, *old_params]
    params += [json.dumps(electricity)] if electricity else []
    params += [page, page, size, size, size, size]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return _read(rows)
