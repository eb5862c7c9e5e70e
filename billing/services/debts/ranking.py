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
several charges partly paid. Sums are of the stored amounts, compared and returned in kopecks
(SQLite keeps a kopeck amount as a float). The electricity periods billed from readings are
computed in Python (`overdue.electricity_accounts`) and sent in as JSON rows, so that they count
in the plots' totals and order.

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
    SELECT plot_id, article_id, SUM(amount) AS paid
    FROM {payment} WHERE paid_on <= %s GROUP BY plot_id, article_id
), charged AS (
    SELECT plot_id, article_id, SUM(amount) AS net,
        SUM(CASE WHEN amount < 0 THEN amount ELSE 0 END) AS credit,
        SUM(CASE WHEN amount > 0 THEN 1 ELSE 0 END) AS positive,
        MIN(CASE WHEN amount > 0 THEN accrued_on END) AS first_positive
    FROM {charge} WHERE {late} GROUP BY plot_id, article_id
), accounts AS (
    SELECT c.plot_id, c.article_id, c.positive, c.first_positive, COALESCE(p.paid, 0) AS paid,
        CAST(ROUND(({greatest}(c.net - c.credit - COALESCE(p.paid, 0), 0) + c.credit) * 100) AS BIGINT) AS kop
    FROM charged c LEFT JOIN paid p ON p.plot_id = c.plot_id AND p.article_id = c.article_id
), spread AS (
    SELECT plot_id, article_id,
        MIN(CASE WHEN ROUND(run * 100) > ROUND(paid * 100) THEN accrued_on END) AS first_unpaid
    FROM (
        SELECT c.plot_id, c.article_id, c.accrued_on, a.paid,
            SUM(c.amount) OVER (PARTITION BY c.plot_id, c.article_id ORDER BY c.accrued_on) AS run
        FROM accounts a JOIN {charge} c ON c.plot_id = a.plot_id AND c.article_id = a.article_id
        WHERE a.positive > 1 AND a.paid > 0 AND a.kop > 0 AND c.amount > 0 AND ({late_c})
    ) r
    GROUP BY plot_id, article_id
), late AS (
    SELECT a.plot_id, a.article_id, a.kop, COALESCE(s.first_unpaid, a.first_positive) AS first_unpaid
    FROM accounts a LEFT JOIN spread s ON s.plot_id = a.plot_id AND s.article_id = a.article_id
    WHERE a.kop > 0 AND a.kop >= %s
), shown AS (
    SELECT plot_id, article_id, kop, first_unpaid FROM late WHERE {old_enough}{electricity}
), plots AS (
    SELECT s.plot_id, MIN(pl.number) AS number, MIN(pl.owner_name) AS owner, COUNT(*) AS n, SUM(s.kop) AS total
    FROM shown s JOIN {plot} pl ON pl.id = s.plot_id
    GROUP BY s.plot_id
), ranked AS (
    SELECT plot_id, number, owner, n, total,
        CAST(SUM(n) OVER (ORDER BY {plot_order} ROWS UNBOUNDED PRECEDING) AS BIGINT) - n AS first_row
    FROM plots
), summary AS (
    SELECT COUNT(*) AS plots, CAST(COALESCE(SUM(n), 0) AS BIGINT) AS lines, COALESCE(SUM(total), 0) AS total
    FROM plots
), page AS (
    SELECT (CASE WHEN %s BETWEEN 1 AND pages THEN %s ELSE pages END - 1) * %s AS start
    FROM (SELECT CASE WHEN lines > 0 THEN (lines + %s - 1) / %s ELSE 1 END AS pages FROM summary) counted
), met AS (
    SELECT r.* FROM ranked r, page g WHERE r.first_row < g.start + %s AND r.first_row + r.n > g.start
)
SELECT m.summary_plots, m.lines, m.summary_total, m.start,
    m.plot_id, m.number, m.owner, m.first_row, m.total, s.article_id, s.kop, s.first_unpaid
FROM (
    SELECT u.plots AS summary_plots, u.lines, u.total AS summary_total, g.start,
        r.plot_id, r.number, r.owner, r.first_row, r.total
    FROM summary u CROSS JOIN page g LEFT JOIN met r ON 1 = 1
) m LEFT JOIN shown s ON s.plot_id = m.plot_id
ORDER BY m.first_row
"""

ELECTRICITY_ROWS = {  # (plot_id, kop) pairs as a JSON array: a row of NULL article
    "sqlite": """
    UNION ALL SELECT CAST(json_extract(value, '$[0]') AS BIGINT), CAST(NULL AS BIGINT),
        CAST(json_extract(value, '$[1]') AS BIGINT), CAST(NULL AS DATE) FROM json_each(%s)""",
    "postgresql": """
    UNION ALL SELECT CAST(e ->> 0 AS BIGINT), CAST(NULL AS BIGINT), CAST(e ->> 1 AS BIGINT), CAST(NULL AS DATE)
    FROM json_array_elements(CAST(%s AS JSON)) AS e""",
}
PLOT_ORDER = {"amount": "total DESC, number", "number": "number"}


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


def _by_article(cutoffs: dict[int, datetime.date], article: str, day: str, compare: str) -> tuple[str, list]:
    """`day compare cutoff` for every article of `cutoffs`, one comparison a distinct cutoff; a
    false condition when there is none. `+article`: the scan, not the article's index, feeds the
    grouping in the order of the plot's index."""
    articles: dict[datetime.date, list[int]] = {}
    for pk, cutoff in cutoffs.items():
        articles.setdefault(cutoff, []).append(pk)
    clauses, params = [], []
    for cutoff, ids in articles.items():
        clauses.append(f"(+{article} IN ({', '.join(['%s'] * len(ids))}) AND {day} {compare} %s)")
        params += [*ids, cutoff]
    return " OR ".join(clauses) or "1 = 0", params


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
    late = {}
    for info in chosen:
        cutoff = policy.late_if_accrued_before(kind=info.kind, year=info.year, due_on=info.due_on, on=on)
        if cutoff is not None:
            late[info.pk] = cutoff
    old = {}  # days >= min_days: the oldest unpaid charge due on or before `on` - min_days
    for info in chosen if min_days > 1 else ():
        due_by = on - datetime.timedelta(days=min_days)
        cutoff = policy.accrued_by(kind=info.kind, year=info.year, due_on=info.due_on, due_by=due_by)
        if cutoff is not None and info.pk in late:
            old[info.pk] = cutoff
    late_sql, late_params = _by_article(late, "article_id", "accrued_on", "<")
    late_c_sql, late_c_params = _by_article(late, "c.article_id", "c.accrued_on", "<")
    old_sql, old_params = _by_article(old, "article_id", "first_unpaid", "<=") if min_days > 1 else ("1 = 1", [])
    vendor = connection.vendor
    sql = RANKED_SQL.format(
        payment=connection.ops.quote_name(Payment._meta.db_table),
        charge=connection.ops.quote_name(Charge._meta.db_table),
        plot=connection.ops.quote_name(Plot._meta.db_table),
        greatest="GREATEST" if vendor == "postgresql" else "MAX",
        late=late_sql,
        late_c=late_c_sql,
        old_enough=old_sql,
        electricity=ELECTRICITY_ROWS[vendor] if electricity else "",
        plot_order=PLOT_ORDER[order],
    )
    page = min(max(page, -1), EVERY_ROW)  # beyond an integer column's range: past the end all the same
    params = [on, *late_params, *late_c_params, min_kop, *old_params]
    params += [json.dumps(electricity)] if electricity else []
    params += [page, page, size, size, size, size]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    plots, lines, total, start = rows[0][:4]
    found = [
        Line(plot_id, number, owner, int(first_row), int(plot_kop), article_id, int(kop), first_unpaid)
        for *_, plot_id, number, owner, first_row, plot_kop, article_id, kop, first_unpaid in rows
        if plot_id is not None
    ]
    return Ranked(int(plots), int(lines), int(total), int(start), found)
