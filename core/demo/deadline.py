"""The dozen or so demo tickets that sit just before a deadline, or just past it.

They are placed with the desk's own SLA rules, so their due times are exact whatever the
business calendars say.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from deskline.core.demo.cast import Cast
from deskline.core.demo.corpus import HOLD
from deskline.core.demo.slots import Slot
from deskline.core.demo.story import DAY, HOUR, MINUTE, Story
from deskline.core.sla.clocks import ClockFacts, SlaClock, SlaRules


@dataclass(frozen=True)
class Deadline:
    """Due times under the desk's rules for a ticket created at any moment."""

    rules: SlaRules
    facts: ClockFacts  # created_at is replaced

    def due(self, clock: str, created: datetime) -> datetime:
        sla = SlaClock(self.rules, replace(self.facts, created_at=created))
        return sla.first_response_due() if clock == "fr" else sla.resolution_due()

    def created_for(self, clock: str, due: datetime) -> datetime:
        """The latest creation time whose ``clock`` falls due by ``due`` (bisection: due
        times only move forward with the creation time)."""
        lo, hi = due - 60 * DAY, due
        for _ in range(36):
            mid = lo + (hi - lo) / 2
            lo, hi = (mid, hi) if self.due(clock, mid) <= due else (lo, mid)
        return lo.replace(microsecond=0)


def story_at_deadline(
    rng: random.Random, slot: Slot, cast: Cast, deadline: Deadline, now: datetime
) -> tuple[Story, timedelta]:
    """A ticket whose first-response or resolution deadline is minutes away ("soon"), or
    already passed ("late"), under the desk's rules; and how long ago it was created."""
    when, clock, status = slot.special.split(":")
    span = deadline.due(clock, now) - now  # the target's length, for a ticket made now
    if when == "soon":
        due = now + min(span * rng.uniform(0.05, 0.6), MINUTE * rng.uniform(20, 55))
    else:
        due = now - min(span * rng.uniform(0.1, 0.6), HOUR * rng.uniform(1, 6))
    created = deadline.created_for(clock, due)
    age = now - created
    st = Story(rng, cast)
    if status == "new":
        if rng.random() < 0.5:
            st.add(age * rng.uniform(0.3, 0.7), cast.supervisor, "note", st.say(HOLD))
    elif status == "assigned":
        st.add(age * rng.uniform(0.2, 0.6), cast.assigner, "assign", to=cast.assignee)
    else:  # in progress, first response in time
        fr = deadline.due("fr", created) - created
        res = deadline.due("res", created) - created
        st.triage(min(fr, age * 0.3))
        st.work(min(age * 0.6, res * 0.6))
        if when == "late" or rng.random() < 0.3:
            reason, progress, help_needed = st.escalation()
            at = st.end + (age - st.end) * rng.uniform(0.5, 0.9)
            st.add(at, cast.assignee, "escalate", reason, progress=progress, help=help_needed)
    return st, age
