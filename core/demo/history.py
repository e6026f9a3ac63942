"""The story of an ordinary demo ticket, shaped by its fate: new, handed over, in hand, or
solved (and maybe reopened and closed).

These tickets are timed against DESIGN.md's default targets read as wall-clock time,
which never asks more than the business calendars do.
"""

from __future__ import annotations

import random
from datetime import timedelta

from deskline.core.demo.cast import Cast
from deskline.core.demo.corpus import (
    BACK_ON_IT,
    CLOSE,
    HOLD,
    LESS_URGENT,
    MORE_URGENT,
    PASSED_ON,
    REFIX,
    REOPEN,
)
from deskline.core.demo.slots import Slot
from deskline.core.demo.story import DAY, HOUR, MINUTE, Story
from deskline.core.desk import fields

# DESIGN.md's default targets as wall-clock time; "3 business days" is taken as three days.
_FIRST_RESPONSE = {
    "P0": timedelta(minutes=15),
    "P1": timedelta(minutes=30),
    "P2": timedelta(hours=1),
    "P3": timedelta(hours=4),
}
_RESOLUTION = {
    "P0": timedelta(hours=2),
    "P1": timedelta(hours=4),
    "P2": timedelta(hours=24),
    "P3": timedelta(days=3),
}


def story_for(rng: random.Random, slot: Slot, cast: Cast, fix: str) -> tuple[Story, timedelta, str]:
    """The steps of one ticket, how long ago it was created, and its first priority."""
    st = Story(rng, cast)
    first, move = slot.priority, None
    if slot.status != "new" and slot.status != "assigned" and rng.random() < 0.12:
        # Open tickets only ever calm down, so the change never breaches them.
        p = slot.priority
        harder = slot.status in ("resolved", "closed") and p != "P3"
        harder = harder and (p == "P0" or rng.random() < 0.5)
        if p != "P0" or harder:
            first = _neighbour(p, less_urgent=harder)
            move = (p, st.say(MORE_URGENT if harder else LESS_URGENT))
    if slot.status == "new":
        age = _unassigned(st, slot)
    elif slot.status == "assigned":
        age = _handed_over(st, slot)
    elif slot.status in ("in_progress", "pending") and not slot.reopened:
        age = _in_hand(st, slot, move)
    else:
        age = _solved(st, slot, move, fix)
    return st, max(age, st.end + MINUTE), first


def _unassigned(st: Story, slot: Slot) -> timedelta:
    """New and nobody's yet: young enough that the first response is still in time."""
    rng, c = st.rng, st.cast
    age = _FIRST_RESPONSE[slot.priority] * rng.uniform(0.05, 0.85)
    if rng.random() < 0.25 and age > 4 * MINUTE:
        st.add(age * rng.uniform(0.3, 0.8), c.supervisor, "note", st.say(HOLD))
    return age


def _handed_over(st: Story, slot: Slot) -> timedelta:
    """Assigned but not started; maybe the front line has already answered."""
    rng, c = st.rng, st.cast
    fr, res = _FIRST_RESPONSE[slot.priority], _RESOLUTION[slot.priority]
    if rng.random() < 0.5:
        st.add(fr * rng.uniform(0.3, 0.8), c.creator, "reply", st.say(PASSED_ON))
        st.add(st.end + MINUTE * rng.uniform(1, 20), c.assigner, "assign", to=c.assignee)
        return st.end + res * rng.uniform(0.03, 0.2)
    age = fr * rng.uniform(0.4, 0.85)
    st.add(age * rng.uniform(0.2, 0.7), c.assigner, "assign", to=c.assignee)
    return age


def _in_hand(st: Story, slot: Slot, move: tuple[str, str] | None) -> timedelta:
    """Being worked on, or waiting on the customer, within the resolution target."""
    rng, p = st.rng, slot.priority
    st.triage(_FIRST_RESPONSE[p])
    budget = _RESOLUTION[p] * rng.uniform(0.2, 0.7)
    escalate = p in ("P0", "P1") and rng.random() < 0.2
    if slot.status == "pending":
        pause = (HOUR * 3 if p in ("P0", "P1") else HOUR * 20) * rng.uniform(0.1, 1)
        st.work(budget, move=move, escalate=escalate, wait=pause, wait_last=True)
        return st.end + pause
    pause = HOUR * rng.uniform(0.5, 12)
    wait = pause if p in ("P2", "P3") and rng.random() < 0.2 else None
    return budget + st.work(budget * 0.9, move=move, escalate=escalate, wait=wait)


def _solved(st: Story, slot: Slot, move: tuple[str, str] | None, fix: str) -> timedelta:
    """Worked to a solution (now and then late), maybe reopened, maybe closed."""
    rng, c, p, status = st.rng, st.cast, slot.priority, slot.status
    res = _RESOLUTION[p]
    history = status in ("resolved", "closed")
    late_fix = history and rng.random() < 0.1
    st.triage(_FIRST_RESPONSE[p], late=history and rng.random() < 0.08)
    if slot.reopened:
        until = res * rng.uniform(0.2, 0.5)
    else:
        until = res * (rng.uniform(1.05, 1.6) if late_fix else rng.uniform(0.25, 0.9))
    until = max(until, st.end + 10 * MINUTE)
    escalate = rng.random() < (0.5 if late_fix else 0.06)
    # Nobody leaves an outage waiting on the customer for long, or at all.
    longest = {"P0": 0, "P1": 3, "P2": 20, "P3": 20}[p]
    wait = HOUR * rng.uniform(0.5, longest) if longest and rng.random() < 0.25 else None
    brief = status == "closed" and not slot.reopened
    until += st.work(until, move=move, escalate=escalate, wait=wait, brief=brief)
    st.resolve(until, fix)
    closer = rng.choice((c.assignee, c.supervisor))
    if slot.reopened:
        if rng.random() < 0.5:
            st.add(st.end + HOUR * rng.uniform(2, 48), closer, "close", st.say(CLOSE))
        st.add(st.end + HOUR * rng.uniform(1, 48), c.assignee, "reopen", st.say_about(REOPEN))
        st.add(st.end + res * rng.uniform(0.01, 0.04), c.assignee, "note", st.note_text())
        st.add(st.end + res * rng.uniform(0.02, 0.06), c.assignee, "reply", st.say(BACK_ON_IT))
        if status == "in_progress":
            return st.end + res * rng.uniform(0.02, 0.15)
        st.resolve(st.end + res * rng.uniform(0.1, 0.4), st.say_about(REFIX))
    if status == "closed":
        st.add(st.end + HOUR * rng.uniform(2, 72), closer, "close", st.say(CLOSE))
        return max(DAY * rng.uniform(1, 10), st.end + MINUTE * rng.uniform(10, 1440))
    return st.end + MINUTE * rng.uniform(20, 3600)


def _neighbour(priority: str, *, less_urgent: bool) -> str:
    i = fields.PRIORITIES.index(priority) + (1 if less_urgent else -1)
    return fields.PRIORITIES[i]
