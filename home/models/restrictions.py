"""Page view restrictions as one SQL condition, so a page list or a route needs no query of its own."""

from django.db.models import BooleanField, Expression, F
from wagtail.models import Page, PageViewRestriction


class ViewRestricted(Expression):
    """True for a page when a view restriction sits on it, an ancestor, or the page it (or an
    ancestor) is an alias of: never fewer than `Page.get_view_restrictions` finds. Wagtail's
    `.public()` reads every restriction of the site in a query of its own first.

    Written as SQL rather than `Exists(...)` of a queryset: the condition is the same on every
    request, and Django spent longer building that subquery (`OuterRef`, two path prefixes, an
    alias join) than the database spends answering it. A tree path is a string of base-36 digits,
    so a prefix is compared with `SUBSTR`, which SQLite and PostgreSQL both have."""

    output_field = BooleanField()

    def __init__(self, path=None):
        super().__init__()
        self.path = path if path is not None else F("path")

    def get_source_expressions(self):
        return [self.path]

    def set_source_expressions(self, exprs):
        (self.path,) = exprs

    def as_sql(self, compiler, connection):
        path, params = compiler.compile(self.path)
        quote = connection.ops.quote_name
        restriction, page = quote(PageViewRestriction._meta.db_table), quote(Page._meta.db_table)
        page_id, pk, alias_of, tree_path = (quote(name) for name in ("page_id", "id", "alias_of_id", "path"))
        # names from the models' metadata, the page's path a compiled column: nothing from a user
        sql = (
            f"EXISTS (SELECT 1 FROM {restriction} r INNER JOIN {page} p"  # noqa: S608  # nosec B608 - quoted model names
            f" ON (r.{page_id} = p.{pk} OR r.{page_id} = p.{alias_of})"
            f" WHERE SUBSTR({path}, 1, LENGTH(p.{tree_path})) = p.{tree_path})"
        )
        return sql, params


def view_restricted() -> ViewRestricted:
    """The condition for the rows of a Page query (or of a page type's, through its parent link)."""
    return ViewRestricted()
