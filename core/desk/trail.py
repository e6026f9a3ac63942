"""The audit trail checked and read back: ``deskline audit verify`` and ``audit log``.

Every event carries the hash of the one before it in its chain (the ticket's, or the desk's)
and its own hash over its content and that link (storage.chain). ``verify`` walks every
chain in the order it was written and recomputes each hash; the first event whose hash or
link does not hold is the chain's broken link: its content was changed, an event before it
was removed, or it was put in out of turn. (Removing a chain's newest events leaves no
trace in the chain itself; the triggers and grants are what stop that.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from deskline.core.clock import iso
from deskline.core.desk import fields
from deskline.core.language import N_, _
from deskline.storage import queries, trail
from deskline.storage.chain import event_hash
from deskline.storage.models import Event
from deskline.storage.store import Store

DESK = "desk"  # the name of the desk's own chain (policy, roster)


@dataclass(frozen=True)
class Break:
    """The first link of a chain that does not hold."""

    chain: str  # a ticket key, or "desk"
    event_id: int
    problem: str  # content changed, event removed, out of order, link missing, not chained
    template: str  # the detail in the source language, its values named
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def detail(self) -> str:
        """The detail as the JSON keeps it, in English."""
        return self.template.format(**self.values)

    def said(self) -> tuple[str, str]:
        """The problem and its detail in the current language (for a person)."""
        return _(self.problem), _(self.template).format(**self.values)

    def to_json(self) -> dict[str, Any]:
        return {
            "chain": self.chain,
            "event": self.event_id,
            "problem": self.problem,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class AuditReport:
    events: int
    chains: int
    broken: tuple[Break, ...] = ()

    @property
    def holds(self) -> bool:
        return not self.broken

    def to_json(self) -> dict[str, Any]:
        return {
            "events": self.events,
            "chains": self.chains,
            "holds": self.holds,
            "broken": [b.to_json() for b in self.broken],
        }


@dataclass
class _Chain:
    name: str
    last: str | None = None  # the newest hash that held
    last_id: int | None = None
    seen: dict[str, int] = field(default_factory=dict)  # hash -> event id
    broken: Break | None = None


def recomputed(event: Event) -> str:
    """The hash the event should carry, from its content and its stored link."""
    return event_hash(
        event.prev_hash,
        ticket_id=event.ticket_id,
        actor_id=event.actor_id,
        at=event.at,
        kind=event.kind,
        old=event.old,
        new=event.new,
        reason=event.reason,
        login=event.login,
    )


def _check(chain: _Chain, event: Event) -> Break | None:
    """What is wrong with ``event`` as the next link of ``chain`` (None: it holds)."""
    assert event.id is not None

    def broken(problem: str, template: str, **values: Any) -> Break:
        return Break(chain.name, event.id or 0, problem, template, values)

    if event.hash is None:
        return broken(N_("not chained"), N_("it carries no hash (written around deskline)"))
    if recomputed(event) != event.hash:
        return broken(N_("content changed"), N_("its hash does not match what it records"))
    if event.prev_hash == chain.last:
        return None
    last = chain.last_id  # not None below: a chain's first event has no previous hash
    if event.prev_hash is None:
        return broken(
            N_("link missing"), N_("it starts the chain again after event {last}"), last=last
        )
    if event.prev_hash in chain.seen:
        return broken(
            N_("out of order"),
            N_("it follows event {earlier}, not event {last} before it"),
            earlier=chain.seen[event.prev_hash],
            last=last,
        )
    if last is None:
        return broken(
            N_("event removed"), N_("it follows an event not in the chain: its start is gone")
        )
    return broken(
        N_("event removed"),
        N_(
            "it follows an event not in the chain: one after event {last} was removed, "
            "or event {last} was rewritten with a new hash"
        ),
        last=last,
    )


def verify(store: Store) -> AuditReport:
    """Walk every chain in the order it was written; the first broken link of each."""
    chains: dict[int | None, _Chain] = {}
    count = 0
    with store.read() as s:
        numbers = trail.ticket_numbers(s)
        for event, _actor in trail.events(s):
            count += 1
            chain = chains.get(event.ticket_id)
            if chain is None:
                name = (
                    DESK
                    if event.ticket_id is None
                    else f"T-{numbers.get(event.ticket_id, event.ticket_id)}"
                )
                chain = chains[event.ticket_id] = _Chain(name)
            if chain.broken is not None:
                continue
            chain.broken = _check(chain, event)
            if chain.broken is None:
                assert event.hash is not None and event.id is not None
                chain.last, chain.last_id = event.hash, event.id
                chain.seen[event.hash] = event.id
    broken = tuple(c.broken for c in chains.values() if c.broken is not None)
    return AuditReport(count, len(chains), broken)


@dataclass(frozen=True)
class TrailEntry:
    """One event as ``audit log`` shows it: who acted, and as which login."""

    id: int
    at: datetime
    actor: str | None
    login: str | None
    kind: str
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    reason: str | None
    hash: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": iso(self.at),
            "actor": self.actor,
            "login": self.login,
            "kind": self.kind,
            "old": self.old,
            "new": self.new,
            "reason": self.reason,
            "hash": self.hash,
        }


def log(store: Store, key: str | None = None) -> list[TrailEntry]:
    """One chain, oldest first: the ticket's (``key``), else the desk's."""
    with store.read() as s:
        ticket_id = None
        if key is not None:
            ticket = queries.ticket_by_number(s, fields.ticket_number(key))
            if ticket is None:
                raise fields.no_ticket(key)
            ticket_id = ticket.id
        return [
            TrailEntry(e.id or 0, e.at, actor, e.login, e.kind, e.old, e.new, e.reason, e.hash)
            for e, actor in trail.events(s, ticket_id, every=False)
        ]
