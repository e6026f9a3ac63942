"""``deskline db grant``: PostgreSQL enforces what deskline enforces, for anyone who connects.

One NOLOGIN group role per deskline role on this desk (``deskline_<desk>_agent``, ...,
``deskline_<desk>_service``), each holding the table privileges its use cases need
(storage.access.PRIVILEGES: everyone reads; agents write tickets' work and append events,
never change or remove them, never write policy; only admins write agents and policy), and
each agent's login a member of its role's group and no other. Running it again after a
change of roles, logins or schema brings the grants in line; it changes nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.exc import DBAPIError

from deskline.core.errors import Forbidden, InvalidInput, Refused
from deskline.core.language import N_, _
from deskline.core.roster.agents import check_login, unknown_agent
from deskline.storage import access, queries
from deskline.storage.store import Store

SQLITE_BOUNDARY = N_(
    "grants are for team mode (PostgreSQL); on a SQLite file the file's permissions are the "
    "boundary (deskline makes a new file readable by its owner only: chmod 600)"
)


@dataclass(frozen=True)
class GrantReport:
    groups: dict[str, str]  # deskline role -> its group role
    members: dict[str, list[str]]  # group role -> the logins in it
    statements: list[str] = field(default_factory=list)  # the SQL run
    missing: list[tuple[str, str]] = field(default_factory=list)  # (agent, login) no such login
    unrestricted: list[str] = field(default_factory=list)  # superusers, the tables' owners

    def to_json(self) -> dict[str, object]:
        return {
            "groups": self.groups,
            "members": self.members,
            "statements": self.statements,
            "missing": [{"agent": a, "login": login} for a, login in self.missing],
            "unrestricted": self.unrestricted,
        }


def grant(store: Store, *, by: str, service: Sequence[str] = ()) -> GrantReport:
    """Set the grants up (admin only). ``service``: the logins the watcher service runs as
    (none given: the service group keeps its members)."""
    if store.backend != "postgresql":
        raise Refused(_(SQLITE_BOUNDARY))
    service_logins = {check_login(login) for login in service}
    try:
        with store.write() as s:
            actor = queries.agent_by_handle(s, by)
            if actor is None:
                raise unknown_agent(by)
            if actor.role != "admin":
                raise Forbidden(
                    _("only an admin can set up the grants; you ({handle}) are {role}").format(
                        handle=by, role=actor.role
                    )
                )
            groups = access.group_names(s)
            statements: list[str] = []
            for role, group in groups.items():
                statements += access.grant_group(s, group, access.PRIVILEGES[role])
            bound = access.bound_agents(s)
            logins = {str(a.db_role) for a in bound} | service_logins
            existing = access.existing_roles(s, logins)
            unknown = sorted(service_logins - existing)
            if unknown:
                raise InvalidInput(
                    _("no database login {login} for --service").format(login=repr(unknown[0]))
                )
            wanted: dict[str, set[str]] = {group: set() for group in groups.values()}
            missing: list[tuple[str, str]] = []
            for agent in bound:
                if agent.db_role in existing:
                    wanted[groups[agent.role]].add(str(agent.db_role))
                else:
                    missing.append((agent.handle, str(agent.db_role)))
            service_group = groups[access.SERVICE]
            wanted[service_group] = (
                service_logins or access.members(s, [service_group])[service_group]
            )
            statements += access.set_membership(s, wanted)
            unrestricted = sorted(access.powerful(s, set().union(*wanted.values())))
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise Refused(
            _(
                "db grant needs the login that owns the desk's tables, with CREATEROLE (or a "
                "superuser): {reason}"
            ).format(reason=reason)
        ) from None
    return GrantReport(
        groups,
        {g: sorted(m) for g, m in wanted.items()},
        statements,
        missing,
        unrestricted,
    )
