"""Deciding what an incoming bank document pays: the plot, the article(s), how sure and why.

Most certain first (DESIGN.md «Money from the bank»): the plot named in the purpose; else a payer
the treasurer assigned before (never a bank's transit account alone: there the name counts). The
article from the purpose's words and year; none named → the plot's oldest unpaid charges first and
the rest an advance. Anything less than certain goes to the queue «Неразобранные платежи» with a
suggestion. The matcher reads the database once per statement (plots, payers, articles, debts),
not once per document.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Min, Sum

from billing.models import Article, Charge, KnownPayer, Payment, Plot

from .documents import BankDocument
from .purpose import article_hint, is_transit_account, match_plot, payer_name

ADVANCE_ARTICLE = "Предоплата/аванс члена"


@dataclass
class Match:
    """What an incoming document pays. `parts` is empty unless the match is certain."""

    plot_id: int | None = None  # the plot (certain) or the suggestion (queue)
    plot_number: int | None = None
    parts: list[tuple[int | None, Decimal]] = field(default_factory=list)  # (article id; None: the advance), amount
    reasons: list[str] = field(default_factory=list)

    @property
    def certain(self) -> bool:
        return bool(self.parts)

    @property
    def why(self) -> str:
        return "; ".join(self.reasons)


def payer_key(payer: str, account: str) -> tuple[str, str]:
    """(account, name) a payer is remembered by: a transit account of a bank counts for nothing,
    so its payers are told apart by the name alone."""
    return ("" if is_transit_account(account) else account), normalize_name(payer_name(payer))


def normalize_name(name: str) -> str:
    return " ".join(name.upper().replace("Ё", "Е").split())


class Matcher:
    def __init__(self, documents: list[BankDocument]):
        self.plots = dict(Plot.objects.filter(active=True).values_list("number", "pk"))
        self.numbers = {pk: number for number, pk in self.plots.items()}
        keys = {payer_key(document.payer, document.payer_account) for document in documents}
        self.payers: dict[tuple[str, str], set[int]] = defaultdict(set)
        for account, name, plot_id in KnownPayer.objects.filter(name__in={name for _, name in keys}).values_list(
            "account", "name", "plot_id"
        ):
            if (account, name) in keys:
                self.payers[(account, name)].add(plot_id)
        self.articles = list(Article.objects.values_list("pk", "kind", "year", "name"))
        self._debts: dict[int, list[list]] | None = None  # loaded on the first document that needs them
        self._named: dict[tuple[int, int], Decimal] = defaultdict(Decimal)  # paid to a named article before that

    def match(self, document: BankDocument) -> Match:
        result = Match()
        plot_id = self._plot(document, result)
        hint = article_hint(document.purpose)
        if hint.why:
            result.reasons.append(hint.why)
        if plot_id is None:
            return result
        result.plot_id, result.plot_number = plot_id, self.numbers[plot_id]
        if hint.kind is None and _names_several(hint):
            return result
        if hint.kind is not None:
            article_id = self._article(hint.kind, hint.year or document.date.year, result)
            if article_id is not None:
                result.parts = [(article_id, document.amount)]
                self._pay(plot_id, article_id, document.amount)
            return result
        result.parts = self._oldest_first(plot_id, document.amount)
        result.reasons.append("статья не названа: в счёт самых старых долгов")
        return result

    def _plot(self, document: BankDocument, result: Match) -> int | None:
        found = match_plot(document.purpose, self.plots.keys())
        known = self.payers.get(payer_key(document.payer, document.payer_account), set())
        if found.why:
            result.reasons.append(found.why)
        if len(found.plots) > 1:
            result.plot_id = self.plots[found.plots[0]]
            result.plot_number = found.plots[0]
            return None
        if len(found.plots) == 1:
            plot_id = self.plots[found.plots[0]]
            if known and plot_id not in known:
                others = ", ".join(str(self.numbers[pk]) for pk in sorted(known))
                result.reasons.append(f"плательщик раньше платил за уч. {others}")
                result.plot_id, result.plot_number = plot_id, found.plots[0]
                return None
            return plot_id
        if len(known) == 1:
            plot_id = next(iter(known))
            result.reasons.append(f"плательщик известен: уч. {self.numbers[plot_id]}")
            return plot_id
        if len(known) > 1:
            result.reasons.append("плательщик платил за несколько участков")
        return None

    def _article(self, kind: str, year: int, result: Match) -> int | None:
        same_kind = [row for row in self.articles if row[1] == kind]
        candidates = [row for row in same_kind if row[2] == year] or [row for row in same_kind if row[2] is None]
        if len(candidates) == 1:
            return candidates[0][0]
        label = Article.Kind(kind).label.lower()
        if not candidates:
            result.reasons.append(f"нет статьи «{label}» за {year} год")
        else:
            result.reasons.append(f"несколько статей «{label}» за {year} год")
        return None

    # Debts: the plot's unpaid charges by article, oldest first, kept up to date within the statement.

    def _load_debts(self) -> dict[int, list[list]]:
        charged = Charge.objects.values("plot_id", "article_id").annotate(total=Sum("amount"), first=Min("accrued_on"))
        paid = {
            (row["plot_id"], row["article_id"]): row["total"]
            for row in Payment.objects.values("plot_id", "article_id").annotate(total=Sum("amount"))
        }
        debts: dict[int, list[list]] = defaultdict(list)
        for row in charged.order_by("first", "article_id"):
            key = (row["plot_id"], row["article_id"])
            owed = row["total"] - paid.get(key, Decimal(0)) - self._named[key]
            if owed > 0:
                debts[row["plot_id"]].append([row["article_id"], owed])
        return debts

    def _pay(self, plot_id: int, article_id: int, amount: Decimal) -> None:
        if self._debts is None:
            self._named[(plot_id, article_id)] += amount
            return
        for debt in self._debts.get(plot_id, []):
            if debt[0] == article_id:
                debt[1] -= amount

    def _oldest_first(self, plot_id: int, amount: Decimal) -> list[tuple[int | None, Decimal]]:
        if self._debts is None:
            self._debts = self._load_debts()
        parts: list[tuple[int | None, Decimal]] = []
        left = amount
        for debt in self._debts.get(plot_id, []):
            if left <= 0:
                break
            if debt[1] <= 0:
                continue
            share = min(debt[1], left)
            parts.append((debt[0], share))
            debt[1] -= share
            left -= share
        if left > 0:
            parts.append((None, left))
        return parts


def _names_several(hint) -> bool:
    """A purpose naming two kinds of payment: the treasurer splits it."""
    return "несколько" in hint.why
