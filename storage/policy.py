"""The ``policy`` table: one row per version of the desk's policy, the newest rules.

Reading the newest version is one indexed read (``max`` of the primary key), cheap enough
to do at the start of every transaction that acts under the policy.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Row, func, select, text

from deskline.storage.tables import Reader, bind_of, policy

if TYPE_CHECKING:
    from sqlmodel import Session

    from deskline.storage.models import Policy


def latest_version(session: Reader) -> int:
    """The newest policy version; 0 when the desk has none yet (the built-in defaults)."""
    return int(session.execute(select(func.max(policy.c.version))).scalar_one() or 0)


def row(session: Reader, version: int) -> Row[Any] | None:
    return session.execute(select(policy).where(policy.c.version == version)).first()


def history(session: Reader) -> list[Row[Any]]:
    """Every version, oldest first."""
    return list(session.execute(select(policy).order_by(policy.c.version)).all())


def may_write(session: Reader) -> bool:
    """Whether this connection's login may add a version (PostgreSQL grants; SQLite: yes)."""
    if bind_of(session).dialect.name != "postgresql":
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
    from deskline.storage.models import Policy

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
