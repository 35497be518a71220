"""Business calendars: due times in hours or working days, skipping weekends and holidays.

>>> from datetime import datetime, UTC, date
>>> cal = WorkCalendar(holidays=frozenset({date(2026, 12, 25)}))
>>> cal.add_working_days(datetime(2026, 12, 24, 15, tzinfo=UTC), 1).date()  # Thu → Mon
datetime.date(2026, 12, 28)
>>> cal.add_working_days(datetime(2026, 11, 27, 9, tzinfo=UTC), 5).date()  # Fri → Fri
datetime.date(2026, 12, 4)
>>> Due.parse("5wd").after(datetime(2026, 12, 24, 15, tzinfo=UTC), cal).date()
datetime.date(2027, 1, 1)
>>> Due.parse("48h").after(datetime(2026, 12, 24, 15, tzinfo=UTC), cal).isoformat()
'2026-12-26T15:00:00+00:00'
"""

from __future__ import annotations

__all__ = ["HOURS", "Due", "WorkCalendar", "parse_duration"]

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo

#: Hours per wall-clock unit.
HOURS = {"s": 1 / 3600, "m": 1 / 60, "h": 1.0, "d": 24.0}
#: The longest duration accepted (working days count as days).
MAX_DAYS = 3650
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|wd)\s*$")


def parse_duration(value: object) -> tuple[float, str]:
    """``"24h"`` → ``(24.0, "h")``; units: s, m (minutes), h, d (days), wd (working days).

    >>> parse_duration("5wd"), parse_duration("1.5h")
    ((5.0, 'wd'), (1.5, 'h'))
    >>> parse_duration("soon")
    Traceback (most recent call last):
    ...
    ValueError: 'soon' is not a duration — use a number and a unit: 90m, 24h, 30d or 5wd
    """
    found = _DURATION.match(value) if isinstance(value, str) else None
    if found is None:
        raise ValueError(
            f"{value!r} is not a duration — use a number and a unit: 90m, 24h, 30d or 5wd"
        )
    amount, unit = float(found.group(1)), found.group(2)
    if amount * HOURS.get(unit, 24.0) > MAX_DAYS * 24:
        raise ValueError(f"{value!r} is too long — use at most {MAX_DAYS}d (10 years)")
    return amount, unit


@dataclass(frozen=True)
class WorkCalendar:
    """Working days (Mon–Fri by default) minus holidays, in one time zone."""

    workdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    holidays: frozenset[date] = field(default_factory=frozenset)
    tz: tzinfo = UTC

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.workdays and day not in self.holidays

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """``start`` moved forward by ``days`` working days, keeping the local time of day."""
        if days < 0:
            raise ValueError("days must be ≥ 0")
        current = start.astimezone(self.tz)
        remaining = days
        while remaining:
            current += timedelta(days=1)
            if self.is_working_day(current.date()):
                remaining -= 1
        return current.astimezone(start.tzinfo or UTC)

    def add_hours(self, start: datetime, hours: float) -> datetime:
        """Wall-clock hours: urgent SLAs (24 h, 48 h) run through weekends."""
        return start + timedelta(hours=hours)

    def day_start(self, moment: datetime) -> datetime:
        """Midnight (local) of the day ``moment`` falls on, as UTC."""
        local = moment.astimezone(self.tz)
        return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Due:
    """A due time relative to an event: wall-clock (m, h, d) or working days (wd)."""

    amount: float
    unit: str

    @classmethod
    def parse(cls, value: object) -> Due:
        amount, unit = parse_duration(value)
        if unit == "wd" and amount != int(amount):
            raise ValueError(f"{value!r}: working days must be whole — e.g. '5wd'")
        return cls(amount, unit)

    def after(self, start: datetime, calendar: WorkCalendar) -> datetime:
        if self.unit == "wd":
            return calendar.add_working_days(start, int(self.amount))
        hours = HOURS[self.unit] * self.amount
        return calendar.add_hours(start, hours)

    def __str__(self) -> str:
        return f"{self.amount:g}{self.unit}"
