"""The ``policy`` table: one row per version of the desk's policy, the newest rules.

Reading the newest version is one indexed read (``max`` of the primary key), cheap enough
to do at the start of every transaction that acts under the policy.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, text
from sqlmodel import Session, col, func

from deskline.storage.models import Policy


def latest_version(session: Session) -> int:
    """The newest policy version; 0 when the desk has none yet (the built-in defaults)."""
    return int(session.execute(select(func.max(col(Policy.version)))).scalar_one() or 0)


def row(session: Session, version: int) -> Policy | None:
    return session.get(Policy, version)


def history(session: Session) -> list[Policy]:
    """Every version, oldest first."""
    return list(session.execute(select(Policy).order_by(col(Policy.version))).scalars().all())


def may_write(session: Session) -> bool:
    """Whether this connection's login may add a version (PostgreSQL grants; SQLite: yes)."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(
        session.execute(text("SELECT has_table_privilege('policy', 'INSERT')")).scalar_one()
    )


POLICY_LOCK = 7_311_563  # pg_advisory_xact_lock key: one writer of a new version at a time


def lock(session: Session) -> None:
    """Order writers of new versions (PostgreSQL; SQLite's write lock already does). An
    advisory lock, not LOCK TABLE: an admin's login may INSERT into ``policy``, and a table
    lock that orders inserters would need UPDATE or DELETE as well."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(POLICY_LOCK)))


def add(
    session: Session,
    *,
    version: int,
    body: str,
    digest: str,
    at: datetime,
    applied_by: str | None,
    source: str | None,
    note: str | None,
) -> Policy:
    """Append a version (the caller holds ``lock`` and chose ``version`` after the newest)."""
    added = Policy(
        version=version,
        body=body,
        digest=digest,
        applied_at=at,
        applied_by=applied_by,
        source=source,
        note=note,
    )
    session.add(added)
    session.flush()
    return added
