"""How many SLA due times per second the business calendar computes.

Run from the repository root: ``python benchmarks/bench_calendar.py``.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from deskline.core.sla.calendar import BusinessCalendar, parse_duration  # noqa: E402

STARTS = 20_000
ROUNDS = 5  # the best round is reported, to keep other load on the machine out of the figure


def support_calendar() -> BusinessCalendar:
    """Asia/Shanghai, a lunch break Monday to Friday, and 30 holidays in 2026."""
    rng = random.Random(7)
    weekdays = [date(2026, 1, 1) + timedelta(days=n) for n in range(365)]
    weekdays = [day for day in weekdays if day.weekday() < 5]
    lunch_break = ["09:00-12:00", "13:00-18:00"]
    return BusinessCalendar(
        "Asia/Shanghai",
        {day: lunch_break for day in ("mon", "tue", "wed", "thu", "fri")},
        holidays=rng.sample(weekdays, 30),
    )


def starts(count: int) -> list[datetime]:
    """Instants spread over 2026, to the second, with a fixed seed."""
    rng = random.Random(42)
    year = datetime(2026, 1, 1, tzinfo=UTC)
    return [year + timedelta(seconds=rng.randrange(365 * 86_400)) for _ in range(count)]


def rate(calendar: BusinessCalendar, targets: list[str], instants: list[datetime]) -> float:
    """Due times per second, each start paired with every target, on a warm calendar."""
    durations = [parse_duration(text) for text in targets]
    best = float("inf")
    for _ in range(ROUNDS):
        began = time.perf_counter()
        for start in instants:
            for duration in durations:
                calendar.add(start, duration)
        best = min(best, time.perf_counter() - began)
    return len(instants) * len(durations) / best


def main() -> None:
    calendar = support_calendar()
    instants = starts(STARTS)
    print("calendar: Asia/Shanghai, 09:00-12:00 and 13:00-18:00 Mon-Fri, 30 holidays")
    print(f"{STARTS:,} starts over 2026, best of {ROUNDS} rounds")
    print(f"P2 due times (1h, 24h): {rate(calendar, ['1h', '24h'], instants):,.0f}/s")
    print(f"P3 due times (4h, 3bd): {rate(calendar, ['4h', '3bd'], instants):,.0f}/s")
    print(f"long due times (1000h): {rate(calendar, ['1000h'], instants[:2_000]):,.0f}/s")
    cold, sample = support_calendar(), instants[:2_000]
    began = time.perf_counter()
    for start in sample:
        cold.add(start, parse_duration("3bd"))
    cold_rate = len(sample) / (time.perf_counter() - began)
    print(f"P3 3bd on a cold calendar (first {len(sample):,} starts): {cold_rate:,.0f}/s")


if __name__ == "__main__":
    main()
