"""The tables of the store (SQLModel)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Integer
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

from storage.columns import UtcDateTime


class Team(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)


class Agent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    handle: str = Field(unique=True, index=True)
    name: str
    role: str = "agent"  # agent, supervisor, director, admin
    team_id: int | None = Field(default=None, foreign_key="team.id")
    skills: str = ""  # comma-separated
    on_duty: bool = True
    max_active: int = 10
    email: str | None = None
    # Routing: the most active P1/P2 tickets it gives this agent (None: the desk's default),
    # and the number of the last ticket it gave them (round-robin order; 0: never).
    cap: int | None = None
    last_routed: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class Customer(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    tier: str = "standard"  # standard or vip
    dedicated_agent_id: int | None = Field(default=None, foreign_key="agent.id")


class Category(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    path: str = Field(unique=True, index=True)  # e.g. "Account/Login/Locked"
    default_team_id: int | None = Field(default=None, foreign_key="team.id")


class KeyCounter(SQLModel, table=True):
    """The last number handed out per sequence; ticket keys are never reused."""

    __tablename__ = "key_counter"
    name: str = Field(primary_key=True)
    value: int = 0


class Ticket(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    number: int = Field(unique=True, index=True)
    title: str
    description: str = ""
    category_id: int | None = Field(default=None, foreign_key="category.id")
    priority: str = Field(default="P2", index=True)
    status: str = Field(default="new", index=True)
    customer_id: int | None = Field(default=None, foreign_key="customer.id")
    channel: str = "web"
    tags: str = ""  # comma-separated
    assignee_id: int | None = Field(default=None, foreign_key="agent.id", index=True)
    team_id: int | None = Field(default=None, foreign_key="team.id")
    created_at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    updated_at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    first_response_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    # The SLA clocks (kept by core.sla through the Desk); all UTC.
    first_response_due_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    resolution_due_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    paused_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    pause_credit_seconds: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    next_check_at: datetime | None = Field(default=None, sa_type=UtcDateTime, index=True)
    escalation_level: int = 0
    reopen_count: int = 0
    impact: str | None = None  # all, some or one (users affected), for triage
    version: int = Field(default=1, sa_column=Column("version", Integer, nullable=False))

    @declared_attr  # type: ignore[arg-type]
    def __mapper_args__(cls) -> dict[str, Any]:
        # The Column object, not its name: SQLModel copies string args verbatim.
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]

    @property
    def key(self) -> str:
        return f"T-{self.number}"


class Comment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    author_id: int | None = Field(default=None, foreign_key="agent.id")
    kind: str  # reply (public), note (internal) or system
    body: str
    created_at: datetime = Field(sa_type=UtcDateTime, nullable=False)


class Event(SQLModel, table=True):
    """The audit trail: one row for every change to a ticket."""

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    actor_id: int | None = Field(default=None, foreign_key="agent.id")
    at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    kind: str
    old: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    new: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    reason: str | None = None


class Change(SQLModel, table=True):
    """The change feed: one row per committed change to a ticket, in commit order.

    The newest id is the feed's position; a client that remembers it asks for the rows
    after it (``storage.changes``). Rows are only ever appended.
    """

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id")
    at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    kind: str  # created, updated, or sla (due times stored again under new rules)


class Surge(SQLModel, table=True):
    """A burst of P0 tickets in one team (``core.surge``): from the P0 that began it to the
    newest; ``alerted_at`` is set once the alert engine has told the recipients."""

    id: int | None = Field(default=None, primary_key=True)
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    ticket_id: int = Field(foreign_key="ticket.id")  # the P0 that began it
    started_at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    last_p0_at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    p0_count: int  # P0 tickets in it so far
    more_than: int  # the rule it began under: more than this many P0 ...
    within_seconds: int  # ... within this long
    recipients: list[str] = Field(default_factory=list, sa_type=JSON)  # handles to alert
    alerted_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
