"""The tables of the store (SQLModel)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Integer, LargeBinary, UniqueConstraint, text
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel
from sqlmodel.main import SQLModelConfig

from deskline.storage.columns import UtcDateTime


class Table(SQLModel):
    """A table of the store. Rows are made by the store and the use cases, never validated from
    outside input, so pydantic's validator for each class is built only if ever asked for:
    building all of them cost a read command ~30 ms of its start."""

    model_config = SQLModelConfig(defer_build=True)


class Team(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)


class Agent(Table, table=True):
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
    # Team mode (PostgreSQL): the database login this agent connects as; their identity.
    db_role: str | None = Field(default=None, unique=True)
    # The agent's own notification preferences (channels, quiet hours); None: the desk's.
    notify: dict[str, Any] | None = Field(default=None, sa_type=JSON)


class Customer(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    tier: str = "standard"  # standard or vip
    dedicated_agent_id: int | None = Field(default=None, foreign_key="agent.id")


class Contact(Table, table=True):
    """A person at a customer (or at no known customer yet: mail from a stranger)."""

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int | None = Field(default=None, foreign_key="customer.id", index=True)
    name: str
    phone: str | None = None
    created_at: datetime = Field(sa_type=UtcDateTime, nullable=False)


class ContactEmail(Table, table=True):
    """One address of a contact; an address belongs to one contact (stored lower-case)."""

    __tablename__ = "contact_email"
    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", index=True)
    address: str = Field(unique=True)


class Category(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    path: str = Field(unique=True, index=True)  # e.g. "Account/Login/Locked"
    default_team_id: int | None = Field(default=None, foreign_key="team.id")


class KeyCounter(Table, table=True):
    """The last number handed out per sequence; ticket keys are never reused."""

    __tablename__ = "key_counter"
    name: str = Field(primary_key=True)
    value: int = 0


# A partial index's condition: tickets not archived (``ticket.archived_at`` None).
LIVE: dict[str, Any] = {
    "sqlite_where": text("archived_at IS NULL"),
    "postgresql_where": text("archived_at IS NULL"),
}


class Ticket(Table, table=True):
    # The queue in order, read from the index alone: running clocks by next due time. Two
    # leave the archive out (``storage.archive``): an agent's own queue ("My tickets", ``list
    # --mine``) by next due time, and the closed tickets by when they closed, what the
    # nightly archive run reads. The open tickets by priority and assignee, counted from
    # the index alone (the dashboard's open figures and agents' load, 0018).
    __table_args__ = (
        Index("ix_ticket_queue", "next_due_at", "number", "paused_at", "at_risk_at"),
        Index("ix_ticket_assignee_live", "assignee_id", "next_due_at", **LIVE),
        Index("ix_ticket_closed_live", "closed_at", **LIVE),
        Index("ix_ticket_status_load", "status", "priority", "assignee_id"),
    )
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
    updated_at: datetime = Field(sa_type=UtcDateTime, nullable=False, index=True)
    # Indexed, these four (0018): the dashboard's trends read the tickets whose clocks
    # stopped in the last days, or fell due in the last hours, not the whole desk.
    first_response_at: datetime | None = Field(default=None, sa_type=UtcDateTime, index=True)
    resolved_at: datetime | None = Field(default=None, sa_type=UtcDateTime, index=True)
    closed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    # The SLA clocks (kept by core.sla through the Desk); all UTC.
    first_response_due_at: datetime | None = Field(default=None, sa_type=UtcDateTime, index=True)
    resolution_due_at: datetime | None = Field(default=None, sa_type=UtcDateTime, index=True)
    paused_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    pause_credit_seconds: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    next_check_at: datetime | None = Field(default=None, sa_type=UtcDateTime, index=True)
    # The queue's sort and counts: when the earliest running clock breaches, and when it
    # turns at risk (None when no clock runs: paused with a response given, or finished).
    next_due_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    at_risk_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    escalation_level: int = 0
    reopen_count: int = 0
    impact: str | None = None  # all, some or one (users affected), for triage
    # When the ticket last got an assignee, and last changed status: the alert ladder's
    # "assigned but not started", "pending with no reply" and "resolved" rungs count from them.
    assigned_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    status_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    # The last manual escalation: when, and to whom (a handle, "team:NAME" or "role:NAME");
    # the alert engine tells that target once.
    escalated_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    escalated_to: str | None = None
    # The contact who asked (mail to the customer goes to them, and to the ticket's CCs).
    requester_id: int | None = Field(default=None, foreign_key="contact.id", index=True)
    # Brought in by ``deskline import``: its id in the desk it came from (unique, so an
    # import run twice adds nothing the second time); None for tickets made here.
    external_id: str | None = Field(default=None, unique=True)
    # Archived (``core.desk.archive``): closed long enough ago that the queue, the lists and
    # the views leave it out; still searched, reported and replayed, read-only until reopened.
    archived_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    version: int = Field(default=1, sa_column=Column("version", Integer, nullable=False))

    @declared_attr  # type: ignore[arg-type]
    def __mapper_args__(cls) -> dict[str, Any]:
        # The Column object, not its name: SQLModel copies string args verbatim.
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]

    @property
    def key(self) -> str:
        return f"T-{self.number}"


class Comment(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    author_id: int | None = Field(default=None, foreign_key="agent.id")
    kind: str  # reply (public), note (internal) or system
    body: str
    created_at: datetime = Field(sa_type=UtcDateTime, nullable=False)


class TicketCc(Table, table=True):
    """A contact copied on a ticket's mail."""

    __tablename__ = "ticket_cc"
    ticket_id: int = Field(foreign_key="ticket.id", primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", primary_key=True)


class TicketLink(Table, table=True):
    """Two tickets linked: ``related`` (either way: stored once, the lower id first) or
    ``merged`` (``ticket_id`` was merged into ``other_id``, which carries on)."""

    __tablename__ = "ticket_link"
    __table_args__ = (UniqueConstraint("ticket_id", "other_id", name="uq_ticket_link_pair"),)
    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    other_id: int = Field(foreign_key="ticket.id", index=True)
    kind: str  # related, merged
    created_at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    created_by: int | None = Field(default=None, foreign_key="agent.id")


class Presence(Table, table=True):
    """Who has a ticket open in a workspace now, and whether they are writing a reply or a
    note: a short lease the workspace renews while it stays; a lapsed row means nothing."""

    ticket_id: int = Field(foreign_key="ticket.id", primary_key=True)
    agent_id: int = Field(foreign_key="agent.id", primary_key=True)
    state: str  # viewing, reply (writing one), note
    expires_at: datetime = Field(sa_type=UtcDateTime, nullable=False, index=True)


class MailMessage(Table, table=True):
    """A message the desk received or sent, by its Message-ID (unique: one message is taken
    in once, however often it is fetched), and the ticket and comment it belongs to."""

    __tablename__ = "mail_message"
    id: int | None = Field(default=None, primary_key=True)
    message_id: str = Field(unique=True)  # without the angle brackets
    direction: str  # in, out, ignored (received, not taken in: auto-replies, loops)
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id", index=True)
    comment_id: int | None = Field(default=None, foreign_key="comment.id")
    mailbox: str | None = None
    sender: str | None = None  # the From address
    subject: str = ""
    note: str | None = None  # why it was ignored, how it was threaded
    attachments: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    at: datetime = Field(sa_type=UtcDateTime, nullable=False)


class Attachment(Table, table=True):
    """A file that came with a message, kept whole (``data``) up to the desk's size limit;
    a bigger one is listed with ``data`` None. Its name is the sender's: hostile text."""

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    mail_message_id: int | None = Field(default=None, foreign_key="mail_message.id")
    filename: str
    content_type: str
    size: int
    sha256: str
    data: bytes | None = Field(default=None, sa_type=LargeBinary)
    at: datetime = Field(sa_type=UtcDateTime, nullable=False)


class KbArticle(Table, table=True):
    """A knowledge-base article: how a kind of problem is solved, often written from a
    resolved ticket (``source_ticket_id``). A draft until a supervisor publishes it."""

    __tablename__ = "kb_article"
    id: int | None = Field(default=None, primary_key=True)
    title: str
    body: str
    category: str | None = None  # a category path, as tickets have them
    tags: str = ""  # comma-separated
    status: str = "draft"  # draft, published
    source_ticket_id: int | None = Field(default=None, foreign_key="ticket.id")
    author_id: int = Field(foreign_key="agent.id")
    created_at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    updated_at: datetime = Field(sa_type=UtcDateTime, nullable=False)


class Outbox(Table, table=True):
    """A message to send, written in the transaction of the reply it carries; a sender claims
    it (``claimed_until``), sends it and marks it sent, so it is never lost nor sent twice."""

    __table_args__ = (Index("ix_outbox_due", "status", "next_try_at"),)
    id: int | None = Field(default=None, primary_key=True)
    mail_message_id: int = Field(foreign_key="mail_message.id", unique=True)
    mailbox: str
    recipients: list[str] = Field(default_factory=list, sa_type=JSON)
    raw: str  # the whole message as sent (RFC 5322 text)
    status: str = "pending"  # pending, sent, failed (gave up)
    attempts: int = 0
    next_try_at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    claimed_until: datetime | None = Field(default=None, sa_type=UtcDateTime)
    detail: str | None = None  # the last failure
    sent_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class Event(Table, table=True):
    """The audit trail: one row for every change to a ticket, or to the desk itself
    (``ticket_id`` None: policy, roster). Append-only: a trigger refuses UPDATE and DELETE.

    Each event carries the hash of the one before it in its chain (the ticket's, or the
    desk's) and its own (``storage.chain``), so a rewritten or removed row shows."""

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id", index=True)
    actor_id: int | None = Field(default=None, foreign_key="agent.id")
    at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    kind: str
    old: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    new: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    reason: str | None = None
    login: str | None = None  # who was connected: the database login, or the OS user
    prev_hash: str | None = None
    hash: str | None = None


class Policy(Table, table=True):
    """The desk's policy, one row per version: calendars, SLA, alert ladder, routing,
    triage, surge and templates as deskline.toml text. The newest version rules."""

    version: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    body: str  # the policy sections, as TOML
    digest: str  # sha256 of body
    applied_at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    applied_by: str | None = None  # the admin's handle (None: imported on upgrade)
    source: str | None = None  # the file it came from
    note: str | None = None


class Change(Table, table=True):
    """The change feed: one row per committed change to a ticket, in commit order.

    The newest id is the feed's position; a client that remembers it asks for the rows
    after it (``storage.changes``). Rows are only ever appended.
    """

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id")  # None: the desk
    at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    kind: str  # created, updated, sla (due times stored again), policy (a new version)


class Surge(Table, table=True):
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


class Alert(Table, table=True):
    """One rung of the alert ladder that fired for a ticket (or a surge).

    ``dedupe_key`` names what fired: ticket, clock, threshold and the due time it was
    computed for. It is unique, so a restart, a second watcher or a late wake-up can never
    fire the same alert twice."""

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(unique=True)
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id", index=True)
    rung: str  # warning, at_risk, breach, unassigned, not_started, hand_back, ...
    threshold: str  # e.g. warning:3600, at_risk, breach
    clock: str | None = None  # first_response, resolution, or None for workflow rungs
    level: int  # 0 reminder/warning, 1, 2, 3 (breach)
    due_at: datetime | None = Field(default=None, sa_type=UtcDateTime)  # the clock's due time
    at: datetime = Field(sa_type=UtcDateTime, nullable=False)  # when the rung came due
    fired_at: datetime = Field(sa_type=UtcDateTime, nullable=False, index=True)
    late: bool = False
    held: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})  # quiet hours
    recipients: list[str] = Field(default_factory=list, sa_type=JSON)  # agent handles
    summary: str = ""


class Delivery(Table, table=True):
    """One alert told to one recipient over one channel; unique, so no one is told twice."""

    __table_args__ = (
        UniqueConstraint("alert_id", "recipient", "channel"),
        Index("ix_delivery_inbox", "recipient", "channel", "status"),
        Index("ix_delivery_outbound", "channel", "status", "alert_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    alert_id: int = Field(foreign_key="alert.id")
    recipient: str  # an agent handle, or the webhook's name
    channel: str  # app, desktop, webhook, email
    status: str = "pending"  # pending, delivered, failed, skipped
    detail: str | None = None  # why it failed or was skipped
    delivered_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    acknowledged_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    # The watcher's retries of a webhook or email delivery (core/alerts/outbound.py):
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    next_attempt_at: datetime | None = Field(default=None, sa_type=UtcDateTime)  # None: now
    last_error: str | None = None  # what the last failed attempt met
    queued_at: datetime | None = Field(default=None, sa_type=UtcDateTime)  # resent; None: fired


class WatcherLease(Table, table=True):
    """Who fires alerts for this database: the holder renews it; another takes it once lapsed."""

    __tablename__ = "watcher_lease"
    name: str = Field(primary_key=True)
    holder: str
    expires_at: datetime = Field(sa_type=UtcDateTime, nullable=False)


class SavedView(Table, table=True):
    """A search saved under a name by an agent (``team_id`` set: shared with that team by
    its supervisor), with the order its tickets are listed in."""

    __tablename__ = "saved_view"
    __table_args__ = (UniqueConstraint("owner_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    name: str
    owner_id: int = Field(foreign_key="agent.id")
    team_id: int | None = Field(default=None, foreign_key="team.id")
    query: str  # in the search language (core.desk.query)
    sort: str  # relevance, due, newest, oldest, updated, priority
    created_at: datetime = Field(sa_type=UtcDateTime, nullable=False)


class ImportCheckpoint(Table, table=True):
    """How far one import has come (``core.transfer``), written in each batch's own
    transaction: a run stopped anywhere (kill -9) and run again continues after the last
    batch that committed. ``source`` is the digest of the files and options; ``base_id``
    the newest ticket id before the run began (its comments go to tickets made after it)."""

    __tablename__ = "import_checkpoint"
    source: str = Field(primary_key=True)
    name: str  # the file imported, for people
    phase: str = "tickets"  # tickets, comments, index, done
    line: int = 0  # the last source line written (of the phase's file)
    base_id: int = 0
    created: int = 0  # tickets made so far
    existing: int = 0  # tickets left as they were (their external_id was here already)
    rejected: int = 0
    comments: int = 0
    started_at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    updated_at: datetime = Field(sa_type=UtcDateTime, nullable=False)
