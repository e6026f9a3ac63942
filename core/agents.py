"""The roster: who works at this desk, and who "I" am."""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterable

from sqlalchemy.exc import IntegrityError

from core import fields
from core.errors import InvalidInput, UnknownAgent
from core.views import AgentView
from storage import queries
from storage.models import Agent
from storage.store import Store

HANDLE_ENV = "DESKLINE_AS"


def os_handle() -> str:
    """The OS user name, the default identity."""
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return os.environ.get("USER", "agent")


def check_handle(handle: str) -> str:
    value = handle.strip()
    if not value or any(c.isspace() for c in value) or len(value) > 64:
        raise InvalidInput(f"bad handle {handle!r}: use one word, like alice or li.wei")
    return value


def unknown_agent(handle: str) -> UnknownAgent:
    return UnknownAgent(
        f'unknown agent {handle!r}: add them with `deskline agents add {handle} --name "Full Name"`'
    )


class Roster:
    """Adding and listing agents; each call is one transaction."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def add(
        self,
        handle: str,
        *,
        name: str | None = None,
        role: str = "agent",
        team: str | None = None,
        skills: Iterable[str] = (),
        email: str | None = None,
        max_active: int = 10,
        on_duty: bool = True,
    ) -> AgentView:
        handle = check_handle(handle)
        role = fields.role(role)
        if max_active < 1:
            raise InvalidInput(f"--max-active must be at least 1, not {max_active}")
        with self.store.write() as s:
            if queries.agent_by_handle(s, handle) is not None:
                raise InvalidInput(f"agent {handle!r} already exists")
            team_row = queries.team_named(s, team.strip(), create=True) if team else None
            agent = Agent(
                handle=handle,
                name=(name or handle).strip() or handle,
                role=role,
                team_id=team_row.id if team_row else None,
                skills=fields.tags(skills),
                email=email,
                max_active=max_active,
                on_duty=on_duty,
            )
            s.add(agent)
            try:
                s.flush()
            except IntegrityError:  # a concurrent add of the same handle
                raise InvalidInput(f"agent {handle!r} already exists") from None
            return AgentView.from_row(agent, team_row.name if team_row else None)

    def list(self) -> list[AgentView]:
        with self.store.read() as s:
            return [AgentView.from_row(agent, team) for agent, team in queries.agents(s)]

    def get(self, handle: str) -> AgentView:
        for agent in self.list():
            if agent.handle == handle:
                return agent
        raise unknown_agent(handle)

    def enrol_first(self, handle: str) -> AgentView | None:
        """On a desk with no agents at all, the first person to use it becomes its admin."""
        with self.store.write() as s:
            if queries.agent_count(s) > 0:
                return None
            agent = Agent(handle=check_handle(handle), name=handle, role="admin")
            s.add(agent)
            s.flush()
            return AgentView.from_row(agent, None)
