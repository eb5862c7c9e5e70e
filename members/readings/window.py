"""The reporting window: the days of each month when members may report (e.g. 20th–25th). A reading
reported in November's window counts on 1 December, the end of November's billing period."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from members.readings.models import ReadingSettings

MONTHS_GENITIVE = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)


def today() -> datetime.date:
    """The local date (one place for the tests to move the calendar)."""
    return timezone.localdate()


def _next_month(day: datetime.date) -> datetime.date:
    return datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)


@dataclass(frozen=True)
class Window:
    start: datetime.date
    end: datetime.date
    today: datetime.date

    @property
    def period(self) -> str:
        """ГГГГ-ММ of the window's month: one submission per meter and period."""
        return f"{self.start:%Y-%m}"

    @property
    def taken_on(self) -> datetime.date:
        """The date the readings count on: the 1st of the month after the window."""
        return _next_month(self.start)

    @property
    def is_open(self) -> bool:
        return self.start <= self.today <= self.end

    @property
    def next_start(self) -> datetime.date:
        """When it opens next (today's window if it is still to come)."""
        if self.today < self.start:
            return self.start
        following = _next_month(self.start)
        return following.replace(day=self.start.day)


def current_window(*, settings: ReadingSettings | None = None, day: datetime.date | None = None) -> Window:
    """This month's window, whether open or not."""
    settings = settings or ReadingSettings.current()
    day = day or today()
    return Window(
        start=day.replace(day=settings.window_start_day),
        end=day.replace(day=max(settings.window_start_day, settings.window_end_day)),
        today=day,
    )


def date_words(day: datetime.date) -> str:
    """«20 декабря 2026»."""
    return f"{day.day} {MONTHS_GENITIVE[day.month - 1]} {day.year}"
