"""The tables the command line's reads touch, as SQLAlchemy Core ``Table`` objects.

A read command (``list``, the policy check, who I am) needs only these columns and their
types, not the ORM classes of ``storage.models``: loading SQLModel, pydantic's models and
the ORM costs a read command about as long as the rest of its start. These tables describe
the same columns as the models (tests/storage/test_tables.py holds them equal); writes go
through the models.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, Column, Connection, Integer, MetaData, String, Table

from deskline.storage.columns import UtcDateTime

# What the Core reads take: an ORM session or a Core connection (``Store.read_rows``); both
# execute Core statements on these tables and give rows read by column name.
Reader = Any  # sqlmodel.Session | sqlalchemy.Connection


def bind_of(session: Reader) -> Any:
    """The connection or engine under a session or a connection (its dialect, its URL)."""
    return session if isinstance(session, Connection) else session.get_bind()


metadata = MetaData()


def _id() -> Column[int]:
    return Column("id", Integer, primary_key=True)


def _at(name: str, *, nullable: bool = True) -> Column[object]:
    return Column(name, UtcDateTime, nullable=nullable)


team = Table("team", metadata, _id(), Column("name", String, nullable=False))

agent = Table(
    "agent",
    metadata,
    _id(),
    Column("handle", String, nullable=False),
    Column("name", String, nullable=False),
    Column("role", String, nullable=False),
    Column("team_id", Integer),
    Column("skills", String, nullable=False),
    Column("on_duty", Boolean, nullable=False),
    Column("max_active", Integer, nullable=False),
    Column("email", String),
    Column("cap", Integer),
    Column("last_routed", Integer, nullable=False),
    Column("db_role", String),
    Column("notify", JSON),
)

customer = Table(
    "customer",
    metadata,
    _id(),
    Column("name", String, nullable=False),
    Column("tier", String, nullable=False),
    Column("dedicated_agent_id", Integer),
)

category = Table(
    "category",
    metadata,
    _id(),
    Column("path", String, nullable=False),
    Column("default_team_id", Integer),
)

ticket = Table(
    "ticket",
    metadata,
    _id(),
    Column("number", Integer, nullable=False),
    Column("title", String, nullable=False),
    Column("description", String, nullable=False),
    Column("category_id", Integer),
    Column("priority", String, nullable=False),
    Column("status", String, nullable=False),
    Column("customer_id", Integer),
    Column("channel", String, nullable=False),
    Column("tags", String, nullable=False),
    Column("assignee_id", Integer),
    Column("team_id", Integer),
    _at("created_at", nullable=False),
    _at("updated_at", nullable=False),
    _at("first_response_at"),
    _at("resolved_at"),
    _at("closed_at"),
    _at("first_response_due_at"),
    _at("resolution_due_at"),
    _at("paused_at"),
    Column("pause_credit_seconds", Integer, nullable=False),
    _at("next_check_at"),
    _at("next_due_at"),
    _at("at_risk_at"),
    Column("escalation_level", Integer, nullable=False),
    Column("reopen_count", Integer, nullable=False),
    Column("impact", String),
    _at("assigned_at"),
    _at("status_at"),
    _at("escalated_at"),
    Column("escalated_to", String),
    Column("requester_id", Integer),
    Column("external_id", String),
    _at("archived_at"),
    Column("version", Integer, nullable=False),
)

policy = Table(
    "policy",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("body", String, nullable=False),
    Column("digest", String, nullable=False),
    _at("applied_at", nullable=False),
    Column("applied_by", String),
    Column("source", String),
    Column("note", String),
)
