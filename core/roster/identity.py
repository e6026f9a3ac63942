"""Who "I" am: the agent a command acts as, decided here for every screen and command.

One machine (SQLite): the OS user, or ``--as`` (a convenience, not authentication: whoever
can write the file can be anyone; the file's permissions are the boundary).

Team mode (PostgreSQL): the connection's login (``session_user``) decides. It is the agent
whose ``db_role`` is that login; failing that (no agent claims the login), the agent whose
handle is the login and who is bound to no login. ``--as`` someone else is refused, but for
admins, who may act as others: every event they write records their real login, and the
command says so. The desk's owner (a superuser, or the role owning its tables: it can
change them at will anyway) bound to no agent is trusted as on one machine. A login bound
to no agent is an error that names the command binding it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from deskline.core.errors import Forbidden, UnknownAgent
from deskline.core.language import _
from deskline.core.roster.handles import check_handle, os_handle, unknown_agent
from deskline.storage import reads
from deskline.storage.store import Store


@dataclass(frozen=True)
class Identity:
    """The agent acting, and who is connected."""

    handle: str
    login: str  # the database login (team mode), else the OS user
    team_mode: bool
    bound: str | None = None  # team mode: the agent the login is bound to (None: the owner)
    enrolled: bool = False  # the desk's first user, just added as its admin

    @property
    def acting_for(self) -> bool:
        """An admin acting as another agent (team mode): audited, each event names the login."""
        return self.team_mode and self.bound is not None and self.bound != self.handle


def unbound_login(login: str) -> UnknownAgent:
    return UnknownAgent(
        _(
            "database login {quoted} is bound to no agent of this desk: an admin binds it with "
            "`deskline agents add HANDLE --db-role {login}` "
            "(or `deskline agents set-login HANDLE {login}`)"
        ).format(quoted=repr(login), login=login)
    )


def resolve(store: Store, requested: str | None, *, enrol: bool = True) -> Identity:
    """The identity of this process on ``store``, acting as ``requested`` (``--as``) if
    allowed; on an empty desk (``enrol``) the first user is added as its admin."""
    requested = check_handle(requested) if requested is not None else None
    team_mode = store.backend == "postgresql"
    with store.read_rows() as s:  # Core reads: who I am loads no ORM
        login = reads.login_of(s)
        bound = _bound_agent(s, login) if team_mode else None
        trusted = not team_mode or (bound is None and reads.owns_desk(s))
        if trusted:  # one machine, or the desk's own owner: --as or the OS user
            handle = requested or os_handle()
        elif bound is None:
            handle = requested or login
        else:
            handle = requested or bound.handle
        target = reads.agent_row(s, handle=handle)
        empty = target is None and reads.agent_count(s) == 0
        bound_handle, bound_role = (bound.handle, bound.role) if bound else (None, None)
    if empty and enrol:
        from deskline.core.roster.agents import Roster  # the ORM loads to write, once

        first = Roster(store).enrol_first(handle, db_role=None if trusted else login)
        if first is not None:
            return Identity(handle, login, team_mode, None if trusted else handle, enrolled=True)
        return resolve(store, requested, enrol=False)  # someone else was first
    if not trusted and bound_handle is None:
        raise unbound_login(login)
    if not trusted and handle != bound_handle and bound_role != "admin":
        raise Forbidden(
            _(
                "you are connected as database login {login}, agent {bound} ({role}): only "
                "an admin may act as another agent (--as {handle} refused)"
            ).format(login=repr(login), bound=bound_handle, role=bound_role, handle=handle)
        )
    if target is None:
        raise unknown_agent(handle)
    return Identity(handle, login, team_mode, bound_handle)


def _bound_agent(session: Any, login: str) -> Any:
    """The agent bound to ``login``; else one named like it and bound to no login."""
    agent = reads.agent_row(session, login=login)
    if agent is None:
        named = reads.agent_row(session, handle=login)
        if named is not None and named.db_role is None:
            agent = named
    return agent
