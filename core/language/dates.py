"""Dates and spans of time as the current language writes them (Babel's CLDR data): a day
is ``Wed, Dec 2`` in English and ``12月2日周三`` in Chinese."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from babel.dates import format_skeleton, format_timedelta

from deskline.core.language import Language, current


def _locale(lang: Language | None) -> str:
    return (lang or current()).code


def day(value: date | datetime, lang: Language | None = None) -> str:
    """The day with its weekday, short: ``Wed, Dec 2``, ``12月2日周三``."""
    return format_skeleton("MMMdEEE", value, locale=_locale(lang))


def time_and_day(value: datetime, lang: Language | None = None) -> str:
    """The local time to the second, then the day: ``14:05:09 Wed, Dec 2`` (the time first:
    a narrow line keeps it)."""
    here = value.astimezone()
    return f"{here:%H:%M:%S} {day(here, lang)}"


def span(value: timedelta, lang: Language | None = None) -> str:
    """A length of time, rounded to its largest unit: ``2 hours``, ``2小时``."""
    return format_timedelta(value, threshold=1.5, locale=_locale(lang))
