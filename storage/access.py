"""Who is connected to a PostgreSQL desk, and what PostgreSQL itself lets each login do.

Team mode binds an agent to a database login (``agent.db_role``). The grants here make the
database refuse what deskline refuses, for a script that bypasses deskline: one NOLOGIN
group role per deskline role, per desk (role names are global to the cluster, so a group of
one desk must not open another), holding the table privileges that role's use cases need,
and each agent's login a member of its role's group only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import Session, col, select

from deskline.storage.models import Agent
from deskline.storage.reads import owns_desk as owns_desk  # the Core reads' own, named here too

# What a ticket's work writes (create, assign, reply, route, alert, deliver, surge, lease;
# a requester and CCs, mail taken in with its files, a reply's outbox row, a link or a merge,
# presence); the change feed's table is also locked IN EXCLUSIVE MODE, which takes UPDATE.
TICKET_WORK = (
    "ticket",
    "comment",
    "change",
    "alert",
    "delivery",
    "surge",
    "customer",
    "category",
    "key_counter",
    "watcher_lease",
    "contact",
    "contact_email",
    "ticket_cc",
    "mail_message",
    "outbox",
    "attachment",
    "kb_article",
    "ticket_text",  # the search index, kept by triggers on ticket and comment
    "saved_view",
    "ticket_link",
    "presence",
)
# Taking a related link away deletes its row; a lapsed presence row is deleted.
UNLINK = ("ticket_link", "presence")
# Columns of an agent row each role's use cases change (the rest, and new agents: admins).
OWN_AGENT_COLUMNS = ("on_duty", "last_routed", "notify")  # one's own duty and preferences;
# routing writes last_routed of whoever it gives a ticket to
MANAGED_AGENT_COLUMNS = (*OWN_AGENT_COLUMNS, "skills", "cap", "max_active", "team_id")
SERVICE = "service"  # the watcher's group: alerts and the ladder's steps, acting as nobody


@dataclass(frozen=True)
class Privileges:
    """What one group may write (everyone reads every table)."""

    insert_update: tuple[str, ...] = ()
    insert_only: tuple[str, ...] = ()
    agent_columns: tuple[str, ...] = ()  # UPDATE (these columns) ON agent
    delete: tuple[str, ...] = ()


VIEWS = ("saved_view",)  # one's own saved views are deleted too
WORKER = Privileges(TICKET_WORK, ("event",), OWN_AGENT_COLUMNS, (*VIEWS, *UNLINK))
MANAGER = Privileges((*TICKET_WORK, "team"), ("event",), MANAGED_AGENT_COLUMNS, (*VIEWS, *UNLINK))
PRIVILEGES: dict[str, Privileges] = {
    "agent": WORKER,
    "supervisor": MANAGER,
    "director": MANAGER,
    "admin": Privileges(
        (*TICKET_WORK, "team", "agent", "import_checkpoint"),
        ("event", "policy"),
        delete=("agent", "team", *VIEWS, *UNLINK),
    ),
    SERVICE: Privileges(TICKET_WORK, ("event",), ("last_routed",)),
}


def agent_by_login(session: Session, login: str) -> Agent | None:
    """The agent bound to this database login."""
    return session.exec(select(Agent).where(col(Agent.db_role) == login)).first()


def bound_agents(session: Session) -> list[Agent]:
    """The agents bound to a login, by handle."""
    stmt = select(Agent).where(col(Agent.db_role).is_not(None)).order_by(col(Agent.handle))
    return list(session.exec(stmt).all())


def desk_name(session: Session) -> str:
    """The desk's name in its group roles: its schema, or its database in schema public."""
    schema, database = session.execute(text("SELECT current_schema(), current_database()")).one()
    name = re.sub(r"[^a-z0-9_]+", "_", str(database if schema == "public" else schema).lower())
    return name.strip("_")[:40] or "desk"


def group_names(session: Session) -> dict[str, str]:
    """The group role of each deskline role on this desk: deskline_<desk>_<role>."""
    desk = desk_name(session)
    return {role: f"deskline_{desk}_{role}" for role in PRIVILEGES}


def existing_roles(session: Session, names: Iterable[str]) -> set[str]:
    rows = session.execute(
        text("SELECT rolname FROM pg_roles WHERE rolname = ANY(:names)"), {"names": list(names)}
    )
    return {str(r) for r in rows.scalars()}


def members(session: Session, groups: Sequence[str]) -> dict[str, set[str]]:
    """The logins in each of these groups."""
    rows = session.execute(
        text(
            "SELECT g.rolname, m.rolname FROM pg_auth_members am "
            "JOIN pg_roles g ON g.oid = am.roleid JOIN pg_roles m ON m.oid = am.member "
            "WHERE g.rolname = ANY(:groups)"
        ),
        {"groups": list(groups)},
    )
    found: dict[str, set[str]] = {g: set() for g in groups}
    for group, member in rows:
        found[str(group)].add(str(member))
    return found


def powerful(session: Session, logins: Iterable[str]) -> set[str]:
    """Those of ``logins`` the grants cannot restrict: superusers and the tables' owners."""
    rows = session.execute(
        text(
            "SELECT r.rolname FROM pg_roles r, pg_class c "
            "WHERE r.rolname = ANY(:logins) AND c.oid = to_regclass('event') "
            "AND (r.rolsuper OR pg_has_role(r.oid, c.relowner, 'MEMBER'))"
        ),
        {"logins": list(logins)},
    )
    return {str(r) for r in rows.scalars()}


def _q(session: Session, name: str) -> str:
    return session.get_bind().dialect.identifier_preparer.quote_identifier(name)


def grant_group(session: Session, group: str, privileges: Privileges) -> list[str]:
    """Make ``group`` (NOLOGIN) hold exactly ``privileges`` on this schema; the SQL it ran."""
    q = _q(session, group)
    schema = _q(session, str(session.execute(text("SELECT current_schema()")).scalar_one()))
    done: list[str] = []
    if not existing_roles(session, [group]):
        done.append(f"CREATE ROLE {q} NOLOGIN")
    done += [
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {q}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {q}",
        f"GRANT USAGE ON SCHEMA {schema} TO {q}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {q}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {q}",
    ]
    if privileges.insert_update:
        done.append(f"GRANT INSERT, UPDATE ON {', '.join(privileges.insert_update)} TO {q}")
    if privileges.insert_only:
        done.append(f"GRANT INSERT ON {', '.join(privileges.insert_only)} TO {q}")
    if privileges.agent_columns:
        done.append(f"GRANT UPDATE ({', '.join(privileges.agent_columns)}) ON agent TO {q}")
    if privileges.delete:
        done.append(f"GRANT DELETE ON {', '.join(privileges.delete)} TO {q}")
    for statement in done:
        session.execute(text(statement))
    return done


def set_membership(session: Session, wanted: Mapping[str, set[str]]) -> list[str]:
    """Each group's members become exactly ``wanted[group]`` (logins that exist); the SQL
    it ran. A login's own table privileges on this schema are revoked, so its groups decide
    (but for superusers and the tables' owners, whom no grant restricts)."""
    schema = _q(session, str(session.execute(text("SELECT current_schema()")).scalar_one()))
    now = members(session, list(wanted))
    done: list[str] = []
    everyone: set[str] = set().union(*wanted.values())
    for login in sorted(everyone - powerful(session, everyone)):
        done.append(f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {_q(session, login)}")
    for group, logins in wanted.items():
        for login in sorted(logins - now[group]):
            done.append(f"GRANT {_q(session, group)} TO {_q(session, login)}")
        for login in sorted(now[group] - logins):
            done.append(f"REVOKE {_q(session, group)} FROM {_q(session, login)}")
    for statement in done:
        session.execute(text(statement))
    return done
