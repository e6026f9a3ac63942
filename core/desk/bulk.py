"""Bulk work: one action on many tickets, each ticket its own audited change (its own
transaction), so a refusal of one (a rule, a stale version, a ticket gone) stops nothing
else and is reported with its reason. Pure of storage: it calls the Desk's use cases."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from deskline.core.desk import fields
from deskline.core.errors import DesklineError
from deskline.core.language import _

KEY = re.compile(r"^(?:[Tt]-)?\d+$")


@dataclass(frozen=True)
class Outcome:
    """What became of one ticket: ``refused`` None when the change was made (``error``:
    the refusal, for a surface that words it its own way)."""

    key: str
    refused: str | None = None
    error: DesklineError | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Report:
    outcomes: tuple[Outcome, ...]

    @property
    def applied(self) -> tuple[str, ...]:
        return tuple(o.key for o in self.outcomes if o.refused is None)

    @property
    def refused(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.refused is not None)

    def summary(self, what: str) -> str:
        """One line: how many got ``what`` and how many were refused."""
        line = _("{what}: {done} of {count} ticket(s)").format(
            what=what, done=len(self.applied), count=len(self.outcomes)
        )
        if self.refused:
            line += _(", {count} refused").format(count=len(self.refused))
        return line


def each(keys: Sequence[str], change: Callable[[str], object]) -> Report:
    """``change`` on every key in turn (each one transaction of its own); a refusal is
    kept with its reason and the others go on. A key given twice is done once."""
    outcomes = []
    for key in dict.fromkeys(normal(k) for k in keys):
        try:
            change(key)
        except DesklineError as exc:
            outcomes.append(Outcome(key, str(exc).replace("\n", " "), exc))
        else:
            outcomes.append(Outcome(key))
    return Report(tuple(outcomes))


def normal(key: str) -> str:
    """``t-42``, ``42``: ``T-42``; what is no key stays as given (refused by its change)."""
    try:
        return f"T-{fields.ticket_number(key)}"
    except DesklineError:
        return key.strip()


def keys_in(lines: Iterable[str]) -> list[str]:
    """Ticket keys from text piped in: the first word of each line that is a key, so
    `deskline list` output (with its header) or one key a line both work."""
    found = []
    for line in lines:
        for word in line.split():
            if KEY.match(word):
                found.append(normal(word))
                break
    return found
