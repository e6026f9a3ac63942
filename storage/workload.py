"""Queries routing and surge detection need: who holds how much, recent P0s, surges."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from deskline.storage.models import Agent, Category, Surge, Team, Ticket


def open_load(session: Session, statuses: Sequence[str]) -> dict[int, dict[str, int]]:
    """Tickets each agent holds in ``statuses``, by priority: {agent id: {priority: n}}."""
    stmt = (
        sa_select(col(Ticket.assignee_id), col(Ticket.priority), func.count())
        .where(col(Ticket.assignee_id).is_not(None), col(Ticket.status).in_(statuses))
        .group_by(col(Ticket.assignee_id), col(Ticket.priority))
    )
    load: dict[int, dict[str, int]] = defaultdict(dict)
    for agent_id, priority, count in session.execute(stmt).all():
        load[agent_id][priority] = int(count)
    return dict(load)


def team_name(session: Session, team_id: int | None) -> str | None:
    team = session.get(Team, team_id) if team_id is not None else None
    return team.name if team else None


def team_names(session: Session) -> set[str]:
    return set(session.exec(select(Team.name)).all())


def p0_arrivals(session: Session, team_id: int | None, since: datetime) -> list[datetime]:
    """Creation times of the team's P0 tickets created after ``since``."""
    stmt = select(Ticket.created_at).where(
        Ticket.priority == "P0",
        col(Ticket.created_at) > since,
        col(Ticket.team_id).is_(None) if team_id is None else col(Ticket.team_id) == team_id,
    )
    return list(session.exec(stmt).all())


def latest_surge(session: Session, team_id: int | None) -> Surge | None:
    stmt = (
        select(Surge)
        .where(col(Surge.team_id).is_(None) if team_id is None else col(Surge.team_id) == team_id)
        .order_by(col(Surge.id).desc())
        .limit(1)
    )
    return session.exec(stmt).first()


def surges(session: Session, *, since: datetime | None = None) -> list[Any]:
    """Surges whose newest P0 came after ``since`` (all when None), newest first, each as
    (Surge, team name, number of the ticket that began it)."""
    stmt = (
        sa_select(Surge, col(Team.name), col(Ticket.number))
        .outerjoin(Team, col(Surge.team_id) == Team.id)
        .join(Ticket, col(Surge.ticket_id) == Ticket.id)
        .order_by(col(Surge.id).desc())
    )
    if since is not None:
        stmt = stmt.where(col(Surge.last_p0_at) > since)
    return list(session.execute(stmt).all())


def surge_recipients(session: Session, team_id: int | None) -> list[str]:
    """Handles a surge alert goes to: the team's supervisors, then every director."""
    supervisors = select(Agent.handle).where(
        Agent.role == "supervisor", col(Agent.team_id) == team_id
    )
    directors = select(Agent.handle).where(Agent.role == "director")
    found = [*session.exec(supervisors.order_by(col(Agent.handle))).all()]
    found += [
        h for h in session.exec(directors.order_by(col(Agent.handle))).all() if h not in found
    ]
    return found


def category_paths(session: Session) -> list[str]:
    return list(session.exec(select(Category.path).order_by(col(Category.path))).all())
