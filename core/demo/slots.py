"""The fate of every demo ticket, dealt out before any story is written: its final status,
priority, language and channel, and whether it is reopened, near a deadline or mine."""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

# Shares of the final state of the desk (they are dealt out, not drawn, so every status,
# priority and channel shows up).
_STATUS_SHARE = {
    "new": 9,
    "assigned": 7,
    "in_progress": 13,
    "pending": 7,
    "resolved": 17,
    "closed": 47,
}
_PRIORITY_SHARE = {"P0": 6, "P1": 22, "P2": 42, "P3": 30}
_LANGUAGE_SHARE = {"en": 60, "zh": 30, "mix": 10}
_CHANNEL_SHARE = {"email": 30, "web": 24, "chat": 20, "phone": 15, "api": 6, "walk-in": 5}

# Tickets set at a deadline, as clock:status (see core/demo/deadline.py), in turn.
_SOON = ("fr:new", "res:in_progress", "fr:assigned", "res:in_progress")
_LATE = ("res:in_progress", "fr:new")
_REOPENED_AS = ("in_progress", "closed", "resolved")
_ALWAYS_ON = ("P0", "P1")  # round-the-clock targets by default, so "soon" is always soon


@dataclass
class Slot:
    """One ticket's fate before its story is written."""

    status: str
    priority: str
    lang: str
    channel: str
    reopened: bool = False
    special: str = ""  # when:clock:status, e.g. "soon:fr:new" (see core/demo/deadline.py)
    mine: bool = False


def _deal(rng: random.Random, n: int, shares: dict[str, int]) -> list[str]:
    """``n`` labels in the given shares (each at least once when ``n`` allows), shuffled."""
    total = sum(shares.values())
    exact = {k: n * w / total for k, w in shares.items()}
    counts = {k: int(v) for k, v in exact.items()}
    if n >= len(shares):
        counts = {k: max(1, c) for k, c in counts.items()}
    while sum(counts.values()) < n:
        k = max(exact, key=lambda k: exact[k] - counts[k])
        counts[k] += 1
    while sum(counts.values()) > n:
        k = max(counts, key=lambda k: counts[k])
        counts[k] -= 1
    labels = [k for k in shares for _ in range(counts[k])]
    rng.shuffle(labels)
    return labels


def deal_slots(rng: random.Random, n: int, me: str | None) -> list[Slot]:
    """The fates of ``n`` tickets; with ``me``, some of the held ones are mine."""
    slots = [
        Slot(*fate)
        for fate in zip(
            _deal(rng, n, _STATUS_SHARE),
            _deal(rng, n, _PRIORITY_SHARE),
            _deal(rng, n, _LANGUAGE_SHARE),
            _deal(rng, n, _CHANNEL_SHARE),
            strict=True,
        )
    ]
    wanted = [("soon:" + s) for s in _cycle(_SOON, round(n / 25))]
    wanted += [("late:" + s) for s in _cycle(_LATE, round(n / 60))]
    # Each goes to the first free slot of its status, an urgent one if any (each status's
    # slots in order, passed over once taken: a desk of 100,000 tickets deals in a blink).
    free = {k: deque(s for s in slots if s.status == k) for k in {s.status for s in slots}}
    urgent = {k: deque(s for s in v if s.priority in _ALWAYS_ON) for k, v in free.items()}
    for special in wanted:
        status = special.rsplit(":", 1)[1]
        slot = _first_free(urgent.get(status, deque())) or _first_free(free.get(status, deque()))
        if slot is not None:
            slot.priority = slot.priority if slot.priority in _ALWAYS_ON else "P1"
            slot.special = special
    # Reopened tickets: one back in progress and one each resolved and closed once more,
    # then the rest among the solved ones.
    plain = [s for s in slots if not s.special]
    firsts = [next((s for s in plain if s.status == k), None) for k in _REOPENED_AS]
    solved = [s for s in plain if s.status in ("resolved", "closed")]
    reopened = sum(s.reopened for s in slots)
    for slot in [s for s in firsts if s is not None] + solved:
        if reopened < round(n / 20) and not slot.reopened:
            slot.reopened = True
            reopened += 1
    if me is not None:
        # Every third ticket someone holds in the open queue, and a few old ones, are mine.
        held = [s for s in slots if s.status in ("assigned", "in_progress", "pending")]
        for slot in held[::3]:
            slot.mine = True
        for slot in [s for s in slots if s.status in ("resolved", "closed")][::12]:
            slot.mine = True
    return slots


def _first_free(slots: deque[Slot]) -> Slot | None:
    """The first of ``slots`` not taken for a special story yet (those before it dropped)."""
    while slots and slots[0].special:
        slots.popleft()
    return slots[0] if slots else None


def _cycle(pattern: Sequence[str], count: int) -> list[str]:
    return [pattern[i % len(pattern)] for i in range(count)]
