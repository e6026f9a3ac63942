"""A ticket's story: its steps as offsets from its creation, in the words of its cast."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from deskline.core.demo.cast import DIRECTOR, STAFF, Cast
from deskline.core.demo.corpus import (
    ACK,
    ASK,
    CUSTOMER_BACK,
    ESCALATION,
    FILLS,
    FIXED,
    NOTE,
    UPDATE,
    WATCHING,
)

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
_MIN_GAP = timedelta(seconds=45)  # between two steps of one ticket


@dataclass(frozen=True)
class Step:
    after: timedelta  # since the ticket was created
    actor: str
    kind: str
    text: str = ""
    args: dict[str, str] = field(default_factory=dict)


class Story:
    """A ticket's steps, as offsets from its creation, kept in order."""

    def __init__(self, rng: random.Random, cast: Cast) -> None:
        self.rng = rng
        self.cast = cast
        self.steps: list[Step] = [Step(timedelta(0), cast.creator, "create")]

    @property
    def end(self) -> timedelta:
        return self.steps[-1].after

    def add(self, after: timedelta, actor: str, kind: str, text: str = "", **args: str) -> None:
        after = max(timedelta(seconds=round(after.total_seconds())), self.end + _MIN_GAP)
        self.steps.append(Step(after, actor, kind, text, args))

    def say(self, table: Mapping[str, Sequence[str]]) -> str:
        return self.rng.choice(table[self.cast.lang])

    def say_about(self, table: Mapping[str, Mapping[str, tuple[Any, ...]]]) -> Any:
        """A line from a by-family table: one for any ticket, or for this ticket's family."""
        lines = table[self.cast.lang]
        return self.rng.choice(lines.get("any", ()) + lines.get(self.cast.family, ()))

    def escalation(self) -> tuple[str, str, str]:
        reason, progress, help_needed = self.say_about(ESCALATION)
        return reason, progress, help_needed

    def note_text(self) -> str:
        others = [m for m in STAFF if m.handle != self.cast.assignee and m.role != "director"]
        peers = [m.handle for m in others if m.team == self.cast.team] or [m.handle for m in others]
        return self.say_about(NOTE).format(
            time=self.rng.choice(FILLS["time"]), peer=self.rng.choice(peers)
        )

    def triage(self, fr: timedelta, *, late: bool = False) -> None:
        """Assignment, start of work and the first public reply."""
        rng, c = self.rng, self.cast
        reply_at = fr * (rng.uniform(1.15, 2.2) if late else rng.uniform(0.3, 0.9))
        if c.assignee == c.supervisor or rng.random() < 0.5:
            self.add(reply_at * rng.uniform(0.15, 0.6), c.assignee, "take")
        else:
            self.add(reply_at * rng.uniform(0.1, 0.35), c.supervisor, "assign", to=c.assignee)
            self.add(reply_at * rng.uniform(0.45, 0.8), c.assignee, "start")
        self.add(reply_at, c.assignee, "reply", self.say(ACK))

    def work(
        self,
        until: timedelta,
        *,
        move: tuple[str, str] | None = None,
        escalate: bool = False,
        wait: timedelta | None = None,
        wait_last: bool = False,
        brief: bool = False,
    ) -> timedelta:
        """Notes, updates and the odd escalation up to ``until`` (clock time); a wait on the
        customer adds ``wait`` of paused time, which is returned. ``brief``: fewer words."""
        rng, c = self.rng, self.cast
        notes = (0, 0, 1, 1, 2) if brief else (0, 1, 1, 2, 3)
        updates = (0, 0, 0, 1) if brief else (0, 0, 1, 1, 2)
        items = ["note"] * rng.choice(notes) + ["update"] * rng.choice(updates)
        if move:
            items.append("priority")
        if escalate:
            items.append("escalate")
        rng.shuffle(items)
        if wait is not None:
            items.insert(len(items) if wait_last else rng.randint(0, len(items)), "wait")
        begin = self.end
        span = max(until - begin, MINUTE * len(items))
        shift = timedelta(0)
        for item, x in zip(items, sorted(rng.uniform(0.05, 0.95) for _ in items), strict=True):
            at = begin + span * x + shift
            if item == "note":
                author = c.supervisor if rng.random() < 0.2 else c.assignee
                self.add(at, author, "note", self.note_text())
            elif item == "update":
                self.add(at, c.assignee, "reply", self.say_about(UPDATE))
            elif item == "priority" and move:
                self.add(
                    at, rng.choice((c.assignee, c.supervisor)), "priority", move[1], to=move[0]
                )
            elif item == "escalate":
                reason, progress, help_needed = self.escalation()
                self.add(at, c.assignee, "escalate", reason, progress=progress, help=help_needed)
                if rng.random() < 0.6:
                    watcher = DIRECTOR if c.lang == "en" else c.supervisor
                    self.add(
                        self.end + MINUTE * rng.uniform(2, 20), watcher, "note", WATCHING[c.lang]
                    )
            elif item == "wait" and wait is not None:
                self.add(at, c.assignee, "reply", self.say_about(ASK))
                self.add(self.end + MINUTE * rng.uniform(1, 6), c.assignee, "pending")
                if wait_last:
                    return shift
                shift += wait
                self.add(self.end + wait, c.assignee, "note", self.say_about(CUSTOMER_BACK))
                self.add(self.end + MINUTE * rng.uniform(2, 15), c.assignee, "resume")
        return shift

    def resolve(self, at: timedelta, fix: str) -> None:
        """The solution note at ``at``, usually just after a reply saying it is fixed."""
        c = self.cast
        if self.rng.random() < 0.7:
            self.add(at - MINUTE * self.rng.uniform(1, 10), c.assignee, "reply", self.say(FIXED))
        self.add(at, c.assignee, "resolve", fix)
