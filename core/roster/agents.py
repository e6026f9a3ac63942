"""The roster: who works at this desk, and who "I" am."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from deskline.core import clock
from deskline.core.desk import fields
from deskline.core.desk.audit import record_desk_event
from deskline.core.desk.views import AgentView
from deskline.core.errors import Forbidden, InvalidInput, Refused
from deskline.core.inert import quoted
from deskline.core.language import _
from deskline.core.roster import access, permissions
from deskline.core.roster.handles import HANDLE_ENV as HANDLE_ENV  # their home; named here too
from deskline.core.roster.handles import check_handle, unknown_agent
from deskline.core.roster.handles import os_handle as os_handle
from deskline.core.routing.route import ROUTED_STATUSES
from deskline.storage import access as logins
from deskline.storage import queries, workload
from deskline.storage.models import Agent, Comment, Customer, Event, Ticket
from deskline.storage.store import Store

MANAGERS = ("supervisor", "director", "admin")  # may change other agents' duty and settings


def check_login(login: str) -> str:
    """A database login name as PostgreSQL takes it (at most 63 bytes, one word)."""
    value = login.strip()
    if (
        not value
        or len(value.encode()) > 63
        or any(c.isspace() or not c.isprintable() for c in value)
    ):
        raise InvalidInput(
            _("bad database login '{login}': use one word of at most 63 bytes").format(
                login=quoted(login)
            )
        )
    return value


def _login_free(session: Session, login: str) -> None:
    holder = logins.agent_by_login(session, login)
    if holder is not None:
        raise Refused(
            _("database login {login} is already bound to agent {handle}").format(
                login=repr(login), handle=holder.handle
            )
        )


class Roster:
    """Adding and listing agents; each call is one transaction.

    ``by`` is who asks (a handle), checked against the role matrix (``permissions``) inside
    the transaction; ``add`` without ``by`` is the desk being set up by code holding the
    store (the demo, tests), never a person's command."""

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
        by: str | None = None,
        db_role: str | None = None,
    ) -> AgentView:
        handle = check_handle(handle)
        role = fields.role(role)
        login = check_login(db_role) if db_role is not None else None
        if max_active < 1:
            raise InvalidInput(
                _("--max-active must be at least 1, not {value}").format(value=max_active)
            )
        with self.store.write() as s:
            if by is not None:
                access.require(permissions.may_change_agents(_person(s, by)))
            if queries.agent_by_handle(s, handle) is not None:
                raise Refused(_("agent {handle} already exists").format(handle=repr(handle)))
            if login is not None:
                _login_free(s, login)
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
                db_role=login,
            )
            s.add(agent)
            try:
                s.flush()
            except IntegrityError:  # a concurrent add of the same handle (or login)
                raise Refused(
                    _("agent {handle} (or login {login}) already exists").format(
                        handle=repr(handle), login=repr(login)
                    )
                ) from None
            return AgentView.from_row(agent, team_row.name if team_row else None, 0)

    def list(self) -> list[AgentView]:
        """Every agent, with the open tickets each holds."""
        with self.store.read() as s:
            load = workload.open_load(s, ROUTED_STATUSES)
            return [
                AgentView.from_row(agent, team, sum(load.get(agent.id or 0, {}).values()))
                for agent, team in queries.agents(s)
            ]

    def get(self, handle: str) -> AgentView:
        for agent in self.list():
            if agent.handle == handle:
                return agent
        raise unknown_agent(handle)

    def set_duty(self, handle: str, on_duty: bool, *, by: str) -> AgentView:
        """Put an agent on or off duty: anyone themself, a supervisor or above anyone."""
        with self.store.write() as s:
            agent = _managed(s, handle, by, "duty")
            if agent.on_duty == on_duty:
                raise Refused(
                    (
                        _("{handle} is already on duty")
                        if on_duty
                        else _("{handle} is already off duty")
                    ).format(handle=handle)
                )
            agent.on_duty = on_duty
            s.add(agent)
            return AgentView.from_row(agent, queries.team_of(s, agent))

    def update(
        self,
        handle: str,
        *,
        by: str,
        skills: Iterable[str] | None = None,
        cap: int | None = None,
        default_cap: bool = False,
        max_active: int | None = None,
        team: str | None = None,
        role: str | None = None,
    ) -> AgentView:
        """Change what routing weighs for an agent (a supervisor of their team, a director or
        an admin): skills (replacing them), cap on active P1/P2 tickets (or back to the desk's
        default), max active; and (an admin only) their team and role. The last admin is
        never demoted."""
        role = fields.role(role) if role is not None else None
        if (
            skills is None
            and cap is None
            and not default_cap
            and max_active is None
            and not team
            and role is None
        ):
            raise InvalidInput(
                _("nothing to change: give --skill, --cap, --max-active, --team or --role")
            )
        if cap is not None and default_cap:
            raise InvalidInput(_("give --cap N or --cap default, not both"))
        if cap is not None and cap < 0:
            raise InvalidInput(_("--cap must be 0 or more, not {value}").format(value=cap))
        if max_active is not None and max_active < 1:
            raise InvalidInput(
                _("--max-active must be at least 1, not {value}").format(value=max_active)
            )
        with self.store.write() as s:
            agent = _managed(s, handle, by, "agent_settings")
            if team or role is not None:
                access.require(permissions.may_change_agents(_person(s, by)))
            if role is not None and role != "admin" and agent.role == "admin":
                _keep_an_admin(s, agent, _("demoting"))
            if role is not None:
                agent.role = role
            if skills is not None:
                agent.skills = fields.tags(skills)
            if cap is not None or default_cap:
                agent.cap = cap
            if max_active is not None:
                agent.max_active = max_active
            if team:
                team_row = queries.team_named(s, team.strip(), create=True)
                agent.team_id = team_row.id if team_row else None
            s.add(agent)
            return AgentView.from_row(agent, queries.team_of(s, agent))

    def remove(self, handle: str, *, by: str) -> None:
        """Remove an agent who has no history (an admin only; never the last admin). The
        audit trail cannot be rewritten, so an agent who ever acted, or held or was given
        a ticket, stays: take them off duty instead."""
        with self.store.write() as s:
            access.require(permissions.may_change_agents(_person(s, by)))
            agent = queries.agent_by_handle(s, handle)
            if agent is None:
                raise unknown_agent(handle)
            if agent.role == "admin":
                _keep_an_admin(s, agent, _("removing"))
            if _has_history(s, agent):
                raise Refused(
                    _(
                        "{handle} has history on this desk (tickets, comments or audit events), "
                        "which cannot be rewritten: take them off duty instead "
                        "(`deskline agents duty off {handle}`)"
                    ).format(handle=handle)
                )
            s.delete(agent)

    def set_login(self, handle: str, login: str | None, *, by: str) -> AgentView:
        """Bind an agent to a database login, their identity in team mode (PostgreSQL), or
        unbind them (``login`` None); admins only. The desk's audit chain records it."""
        login = check_login(login) if login is not None else None
        with self.store.write() as s:
            actor = queries.agent_by_handle(s, by)
            if actor is None:
                raise unknown_agent(by)
            if actor.role != "admin":
                raise Forbidden(
                    _(
                        "only an admin can bind agents to database logins; "
                        "you ({handle}) are {role}"
                    ).format(handle=by, role=actor.role)
                )
            agent = queries.agent_by_handle(s, handle)
            if agent is None:
                raise unknown_agent(handle)
            if agent.db_role == login:
                raise Refused(
                    _("{handle} is already bound to login {login}").format(
                        handle=handle, login=repr(login)
                    )
                    if login
                    else _("{handle} is bound to no login").format(handle=handle)
                )
            if login is not None:
                _login_free(s, login)
            old = agent.db_role
            agent.db_role = login
            s.add(agent)
            record_desk_event(
                s,
                actor,
                clock.now(),
                "agent.login",
                {"agent": handle, "db_role": old},
                {"agent": handle, "db_role": login},
            )
            return AgentView.from_row(agent, queries.team_of(s, agent))

    def enrol_first(self, handle: str, *, db_role: str | None = None) -> AgentView | None:
        """On a desk with no agents at all, the first person to use it becomes its admin
        (bound to ``db_role``, their database login, in team mode)."""
        with self.store.read() as s:  # every command asks: a desk in use is not write-locked
            if queries.agent_count(s) > 0:
                return None
        with self.store.write() as s:  # asked again under the lock: two first users at once
            if queries.agent_count(s) > 0:
                return None
            agent = Agent(handle=check_handle(handle), name=handle, role="admin", db_role=db_role)
            s.add(agent)
            s.flush()
            return AgentView.from_row(agent, None)


def _person(session: Session, handle: str) -> permissions.Person:
    actor = queries.agent_by_handle(session, handle)
    if actor is None:
        raise unknown_agent(handle)
    return access.person(session, actor)


def _managed(session: Session, handle: str, by: str, action: str) -> Agent:
    """The agent ``handle``, if ``by`` may do ``action`` ("duty", "agent_settings") to them."""
    actor = _person(session, by)
    agent = queries.agent_by_handle(session, handle)
    if agent is None:
        raise unknown_agent(handle)
    access.require(permissions.may_manage(actor, action, access.person(session, agent)))
    return agent


def _keep_an_admin(session: Session, agent: Agent, what: str) -> None:
    """Refuse to leave the desk without an admin. The admins are read under the write lock
    (on PostgreSQL their rows locked), so two admins demoting each other cannot both win."""
    stmt = select(Agent.id).where(col(Agent.role) == "admin").with_for_update()
    admins = len(session.exec(stmt).all())
    if admins <= 1:
        raise Refused(*permissions.last_admin(agent.handle, admins, what))


def _has_history(session: Session, agent: Agent) -> bool:
    for column in (
        col(Ticket.assignee_id),
        col(Comment.author_id),
        col(Event.actor_id),
        col(Customer.dedicated_agent_id),
    ):
        stmt = select(func.count()).where(column == agent.id)
        if session.exec(stmt).one():
            return True
    return False
