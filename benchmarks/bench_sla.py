"""How fast SLA state is recomputed for a large open queue.

Run from the repository root: ``python benchmarks/bench_sla.py [TICKETS]``. Prints the
time to read both clocks (state, remaining, percent used) of every open ticket, and the
time to compute their stored schedule (due times and next_check_at).
"""

from __future__ import annotations

import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_calendar import support_calendar  # noqa: E402

from deskline.core.sla.calendar import BusinessCalendar, parse_duration  # noqa: E402
from deskline.core.sla.clocks import ClockFacts, SlaClock, SlaRules, Target  # noqa: E402

NOW = datetime(2026, 6, 10, 6, 30, tzinfo=UTC)


def rules() -> SlaRules:
    targets = {
        "P0": Target(parse_duration("15m"), parse_duration("2h"), "always"),
        "P1": Target(parse_duration("30m"), parse_duration("4h"), "always"),
        "P2": Target(parse_duration("1h"), parse_duration("24h"), "support"),
        "P3": Target(parse_duration("4h"), parse_duration("3bd"), "support"),
    }
    calendars = {"always": BusinessCalendar.always(), "support": support_calendar()}
    return SlaRules(targets=targets, calendars=calendars)


def open_queue(count: int) -> list[ClockFacts]:
    """A mixed open queue created over the last ten days: some answered, some paused."""
    rng = random.Random(11)
    queue = []
    for _ in range(count):
        created = NOW - timedelta(seconds=rng.randrange(10 * 86_400))
        priority = rng.choices(["P0", "P1", "P2", "P3"], weights=[1, 3, 5, 3])[0]
        answered = rng.random() < 0.6
        paused = rng.random() < 0.15
        queue.append(
            ClockFacts(
                created_at=created,
                priority=priority,
                first_response_at=created + timedelta(minutes=20) if answered else None,
                paused_at=NOW - timedelta(hours=1) if paused else None,
                pause_credit_seconds=rng.choice([0, 0, 0, 1800, 7200]),
            )
        )
    return queue


def timed(label: str, work) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(3):
        began = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - began)
    print(f"{label}: {best:.2f} s (best of 3)")
    return best


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    r = rules()
    queue = open_queue(count)
    print(
        f"{count:,} open tickets, P0-P1 on 24x7, P2-P3 on a lunch-break calendar with 30 holidays"
    )
    reading = timed(
        "recompute SLA state (both clocks)", lambda: [SlaClock(r, f).read(NOW) for f in queue]
    )
    timed(
        "recompute schedule (due times, next_check_at)",
        lambda: [SlaClock(r, f).schedule(NOW) for f in queue],
    )
    print(f"state recomputation rate: {count / reading:,.0f} tickets/s")


if __name__ == "__main__":
    main()
