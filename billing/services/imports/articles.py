"""What charges and payments share: articles found by name or created on write, plots by number."""

import re

from billing.models import Article, Plot

from .tables import normalize_header

_YEAR = re.compile(r"\b(20\d\d)\b")

# ("id", article id) for a stored article, ("new", normalized name) for one created on write
ArticleKey = tuple[str, int | str]


def guess_article_kind(name: str) -> str:
    text = normalize_header(name)
    if "электр" in text:
        return Article.Kind.ELECTRICITY
    if "членск" in text:
        return Article.Kind.MEMBERSHIP
    if "целев" in text:
        return Article.Kind.TARGET
    return Article.Kind.OTHER


class Articles:
    """Articles by name (case- and ё-insensitive); unknown names become new articles on write."""

    def __init__(self):
        self.ids = {normalize_header(name): pk for pk, name in Article.objects.values_list("pk", "name")}
        self.new: dict[str, Article] = {}
        self.created: dict[ArticleKey, int] = {}

    def key(self, name: str) -> ArticleKey:
        normalized = normalize_header(name)
        if normalized in self.ids:
            return ("id", self.ids[normalized])
        if normalized not in self.new:
            year = _YEAR.search(name)
            self.new[normalized] = Article(
                name=name, kind=guess_article_kind(name), year=int(year.group(1)) if year else None
            )
        return ("new", normalized)

    def shown(self, name: str, key: ArticleKey) -> str:
        return f"{name} (новая статья)" if key[0] == "new" else name

    def notices(self) -> list[str]:
        return [
            f"Будет создана новая статья «{article.name}» (вид: {article.get_kind_display().lower()})."
            for article in self.new.values()
        ]

    def save(self) -> None:
        """Create the new articles (one query); ``pk`` then answers for them too."""
        created = Article.objects.bulk_create(list(self.new.values()))
        self.created = {("new", normalize_header(article.name)): article.pk for article in created}

    def pk(self, key: ArticleKey) -> int:
        return key[1] if key[0] == "id" else self.created[key]


def plot_ids(numbers: set[int]) -> dict[int, int]:
    """Plot ids by number, for the numbers in the registry."""
    return dict(Plot.objects.filter(number__in=numbers).values_list("number", "id"))
