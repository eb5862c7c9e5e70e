"""The shares of one plot over time (217-ФЗ ст. 15: доля в праве): on no day above 1."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Span:
    owned_from: datetime.date
    owned_to: datetime.date | None
    share: Fraction

    def covers(self, day: datetime.date) -> bool:
        return self.owned_from <= day and (self.owned_to is None or day <= self.owned_to)


def share_overflow(spans: Iterable[Span]) -> tuple[datetime.date, Fraction] | None:
    """The first day the shares of one plot add up to more than 1, and the total; None if never.
    The total is a step function: its maximum falls on some span's first day."""
    spans = list(spans)
    for day in sorted({span.owned_from for span in spans}):
        total = sum((span.share for span in spans if span.covers(day)), Fraction(0))
        if total > 1:
            return day, total
    return None
