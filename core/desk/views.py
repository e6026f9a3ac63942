"""Read-only pictures of tickets and agents, as the CLI, the JSON and the app show them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from deskline.core.clock import iso
from deskline.core.sla.clocks import ClockFacts, SlaReading

if TYPE_CHECKING:  # rows read by name: a read command loads no ORM for its views
    from deskline.storage.models import Agent, Comment, Event
    from deskline.storage.reads import TicketRow


@dataclass(frozen=True)
class CommentView:
    kind: str  # reply, note or system
    author: str | None
    body: str
    created_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "created_at": iso(self.created_at)}

    @classmethod
    def from_row(cls, comment: Comment, author: str | None) -> CommentView:
        return cls(comment.kind, author, comment.body, comment.created_at)


@dataclass(frozen=True)
class EventView:
    kind: str
    actor: str | None
    at: datetime
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    reason: str | None

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "at": iso(self.at)}

    @classmethod
    def from_row(cls, event: Event, actor: str | None) -> EventView:
        return cls(event.kind, actor, event.at, event.old, event.new, event.reason)


@dataclass(frozen=True)
class TicketView:
    key: str
    number: int
    title: str
    description: str
    status: str
    priority: str
    category: str | None
    customer: str | None
    vip: bool
    channel: str
    tags: tuple[str, ...]
    assignee: str | None
    team: str | None
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    escalation_level: int
    reopen_count: int
    version: int
    sla: SlaReading | None = None
    clock: ClockFacts | None = None  # what the clocks are read from, for live countdowns
    comments: tuple[CommentView, ...] = field(default=())
    events: tuple[EventView, ...] = field(default=())
    impact: str | None = None  # users affected: all, some or one
    escalated_to: str | None = None  # whom the last manual escalation named
    requester: str | None = None  # "Name <address>" (read with the ticket's detail only)
    cc: tuple[str, ...] = ()  # the contacts copied on its mail, likewise
    requester_open: tuple[str, ...] = ()  # the requester's other open tickets: "T-9 title"
    external_id: str | None = None  # its id in the desk it was imported from
    links: tuple[str, ...] = ()  # "related T-3", "merged into T-1", "merged from T-2" (detail)
    archived_at: datetime | None = None  # in the archive since then: read-only until reopened

    @classmethod
    def from_row(cls, row: TicketRow) -> TicketView:
        ticket = row.ticket
        return cls(
            key=ticket.key,
            number=ticket.number,
            title=ticket.title,
            description=ticket.description,
            status=ticket.status,
            priority=ticket.priority,
            category=row.category,
            customer=row.customer,
            vip=row.tier == "vip",
            channel=ticket.channel,
            tags=tuple(t for t in ticket.tags.split(",") if t),
            assignee=row.assignee,
            team=row.team,
            created_at=ticket.created_at,
            updated_at=ticket.updated_at,
            first_response_at=ticket.first_response_at,
            resolved_at=ticket.resolved_at,
            closed_at=ticket.closed_at,
            escalation_level=ticket.escalation_level,
            reopen_count=ticket.reopen_count,
            version=ticket.version,
            impact=ticket.impact,
            escalated_to=ticket.escalated_to,
            external_id=ticket.external_id,
            archived_at=ticket.archived_at,
        )

    def to_json(self, *, detail: bool = False) -> dict[str, Any]:
        """The stable JSON shape (README "JSON"); later versions add keys, never rename."""
        data: dict[str, Any] = {
            "key": self.key,
            "title": self.title,
            "description": self.description,
            "status": self.status,
            "priority": self.priority,
            "category": self.category,
            "customer": self.customer,
            "vip": self.vip,
            "channel": self.channel,
            "tags": list(self.tags),
            "assignee": self.assignee,
            "team": self.team,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
            "first_response_at": iso(self.first_response_at),
            "resolved_at": iso(self.resolved_at),
            "closed_at": iso(self.closed_at),
            "escalation_level": self.escalation_level,
            "reopen_count": self.reopen_count,
            "version": self.version,
            "impact": self.impact,
            "escalated_to": self.escalated_to,
            "archived_at": iso(self.archived_at),
        }
        if self.sla is not None:
            data["sla"] = self.sla.to_json()
        if detail:
            data["requester"] = self.requester
            data["cc"] = list(self.cc)
            data["requester_open"] = list(self.requester_open)
            data["links"] = list(self.links)
            data["comments"] = [c.to_json() for c in self.comments]
            data["events"] = [e.to_json() for e in self.events]
        return data


@dataclass(frozen=True)
class AgentView:
    handle: str
    name: str
    role: str
    team: str | None
    skills: tuple[str, ...]
    on_duty: bool
    max_active: int
    email: str | None
    cap: int | None = None  # most active P1/P2 tickets routing gives them; None: desk default
    active: int | None = None  # open tickets they hold, when counted
    db_role: str | None = None  # team mode: the database login they connect as

    @classmethod
    def from_row(cls, agent: Agent, team: str | None, active: int | None = None) -> AgentView:
        skills = tuple(s for s in agent.skills.split(",") if s)
        return cls(
            agent.handle,
            agent.name,
            agent.role,
            team,
            skills,
            agent.on_duty,
            agent.max_active,
            agent.email,
            agent.cap,
            active,
            agent.db_role,
        )

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "skills": list(self.skills)}
