"""The role matrix (``permissions``) applied to rows read inside a use case's transaction:
a refusal raises Forbidden before anything is written."""

from __future__ import annotations

from sqlmodel import Session

from deskline.core.errors import Forbidden
from deskline.core.roster.permissions import Held, Person, Refusal
from deskline.storage import queries
from deskline.storage.models import Agent, Team, Ticket


def person(session: Session, agent: Agent) -> Person:
    return Person(agent.handle, agent.role, queries.team_of(session, agent))


def held(session: Session, ticket: Ticket) -> Held:
    team = session.get(Team, ticket.team_id) if ticket.team_id is not None else None
    holder = session.get(Agent, ticket.assignee_id) if ticket.assignee_id is not None else None
    return Held(ticket.key, team.name if team else None, holder.handle if holder else None)


def require(refusal: Refusal | None) -> None:
    """Raise the refusal, if there is one (its parts said by each surface its own way)."""
    if refusal is not None:
        raise Forbidden(*((refusal,) if isinstance(refusal, str) else refusal))
