"""Set-based writes and reads for import and export (``core.transfer``): many rows per
statement through the tables themselves, not the ORM (no identity map, no per-row
bookkeeping; a ticket's version stays 1), and reads in id order, a batch at a time.

Inserts go as one executemany (SQLite) or SQLAlchemy's multi-row VALUES with RETURNING
(PostgreSQL through psycopg), in the caller's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, any_, bindparam, func, insert, or_, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from deskline.storage.changes import CHANNEL
from deskline.storage.columns import UtcDateTime
from deskline.storage.models import (
    Agent,
    Alert,
    Category,
    Change,
    Comment,
    Contact,
    ContactEmail,
    Customer,
    Event,
    ImportCheckpoint,
    KeyCounter,
    Surge,
    Team,
    Ticket,
)

TICKETS: Any = Ticket.__table__  # type: ignore[attr-defined]
COMMENTS: Any = Comment.__table__  # type: ignore[attr-defined]
EVENTS: Any = Event.__table__  # type: ignore[attr-defined]
ALERTS: Any = Alert.__table__  # type: ignore[attr-defined]
CHANGES: Any = Change.__table__  # type: ignore[attr-defined]
CONTACTS: Any = Contact.__table__  # type: ignore[attr-defined]
EMAILS: Any = ContactEmail.__table__  # type: ignore[attr-defined]
CUSTOMERS: Any = Customer.__table__  # type: ignore[attr-defined]
CATEGORIES: Any = Category.__table__  # type: ignore[attr-defined]
TEAMS: Any = Team.__table__  # type: ignore[attr-defined]
AGENTS: Any = Agent.__table__  # type: ignore[attr-defined]
CHECKPOINTS: Any = ImportCheckpoint.__table__  # type: ignore[attr-defined]
COUNTER: Any = KeyCounter.__table__  # type: ignore[attr-defined]
SURGES: Any = Surge.__table__  # type: ignore[attr-defined]

LOOKUP = 20_000  # values looked up per statement (``_among``: one bound value however many)


def _chunks(values: Sequence[Any], size: int = LOOKUP) -> Iterator[Sequence[Any]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


def _among(session: Session, column: Any, values: Sequence[Any]) -> Any:
    """``column IN values`` with the values as ONE bound value: PostgreSQL's ``= ANY`` of an
    array, SQLite's ``IN (SELECT value FROM json_each(?))`` of a JSON list. An IN list of
    hundreds of placeholders cost more to build and parse, statement after statement (the
    driver splits its text anew each time), than the lookup itself, and SQLite bounds them."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    listed = func.json_each(bindparam(None, json.dumps(list(values)))).table_valued("value")
    return column.in_(select(listed.c.value))


def insert_rows(
    session: Session, table: Any, rows: Sequence[dict[str, Any]], *, copy: bool | None = None
) -> None:
    """``rows`` (all with the same keys) into ``table``: on PostgreSQL one COPY (psycopg's
    ``cursor.copy``; ``copy=False``: an executemany), on SQLite one executemany of the
    driver's own; each value made what the column type would make of it (UTC timestamps
    naive on SQLite, JSON as text), without SQLAlchemy's per-value processing, which cost
    an import more than the inserts themselves."""
    if not rows:
        return
    conn = session.connection()
    dialect = conn.dialect
    names = list(rows[0])
    convert = [_converter(table.c[name].type, dialect.name) for name in names]
    quote = dialect.identifier_preparer.quote
    columns = f"{quote(table.name)} ({', '.join(quote(n) for n in names)})"
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {columns} VALUES ({', '.join([mark] * len(names))})"
    times = [i for i, f in enumerate(convert) if f is _sqlite_time]
    todo = [(i, f) for i, f in enumerate(convert) if f is not None and f is not _sqlite_time]
    made: dict[datetime, str] = {}  # a time repeats (a ticket's in its row): written once
    params = []
    for row in rows:
        values = list(row.values())  # every row has the keys in one order
        for i in times:
            at = values[i]
            if at is not None:
                text = made.get(at)
                if text is None:
                    text = made[at] = _sqlite_time(at)
                values[i] = text
        for i, f in todo:
            if values[i] is not None:
                values[i] = f(values[i])
        params.append(tuple(values))
    _put(conn, columns, sql, params, copy)


def _put(
    conn: Any, columns: str, sql: str, params: Sequence[Sequence[Any]], copy: bool | None
) -> None:
    """The rows, in the driver's own values, written: COPY on PostgreSQL (unless ``copy``
    is False), else one executemany."""
    if conn.dialect.name == "postgresql" and copy is not False:
        raw: Any = conn.connection.dbapi_connection  # psycopg's, in this transaction
        with raw.cursor() as cursor, cursor.copy(f"COPY {columns} FROM STDIN") as out:
            for written in params:
                out.write_row(written)
        return
    conn.exec_driver_sql(sql, params)


def insert_values(
    session: Session,
    table: Any,
    names: Sequence[str],
    params: Sequence[Sequence[Any]],
    *,
    copy: bool | None = None,
) -> None:
    """As ``insert_rows``, for rows given as tuples in the order of ``names``, each value
    already what the driver takes (times through ``Times.stored``, JSON as its text):
    nothing is done to them on the way, so a bulk built once goes in as it is."""
    if not params:
        return
    conn = session.connection()
    quote = conn.dialect.identifier_preparer.quote
    columns = f"{quote(table.name)} ({', '.join(quote(n) for n in names)})"
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {columns} VALUES ({', '.join([mark] * len(names))})"
    _put(conn, columns, sql, params, copy)


class Times:
    """UTC times as a bulk write gives them to the driver (``stored``) and as the audit
    chain hashes them (``iso``: ``isoformat()`` of the aware time), each made fast:
    ``datetime.isoformat`` costs a microsecond or more a call, and an import makes
    millions of them; here a day's text and a second of the day's text are each made
    once and joined. (Cleared by the caller between batches: ``clear``.)"""

    def __init__(self, dialect: str) -> None:
        self.sqlite = dialect == "sqlite"
        self._days: dict[int, str] = {}  # ordinal -> YYYY-MM-DD
        self._clocks: dict[int, str] = {}  # second of the day -> HH:MM:SS

    def clear(self) -> None:
        if len(self._days) > 100_000:  # a few hundred years of days: held otherwise
            self._days.clear()

    def _parts(self, at: datetime) -> tuple[str, str]:
        day = self._days.get(o := at.toordinal())
        if day is None:
            day = self._days[o] = f"{at.year:04d}-{at.month:02d}-{at.day:02d}"
        clock = self._clocks.get(s := at.hour * 3600 + at.minute * 60 + at.second)
        if clock is None:
            clock = self._clocks[s] = f"{at.hour:02d}:{at.minute:02d}:{at.second:02d}"
        return day, clock

    def stored(self, at: datetime | None) -> Any:
        """``at`` as the driver takes it for a UTC timestamp column (SQLite: the text
        SQLAlchemy's type writes; PostgreSQL: the aware time itself); None as None."""
        if at is None:
            return None
        if not self.sqlite:
            return _aware(at)
        if at.tzinfo is not UTC:
            return _sqlite_time(at)
        day, clock = self._parts(at)
        micro = at.microsecond
        return f"{day} {clock}.{micro:06d}" if micro else f"{day} {clock}.000000"

    def iso_z(self, at: datetime) -> str:
        """``clock.iso`` of a time: to the second, UTC with a Z."""
        if at.tzinfo is not UTC:
            at = at.astimezone(UTC)
        day, clock = self._parts(at)
        return f"{day}T{clock}Z"

    def iso(self, at: datetime) -> str:
        """``at.isoformat()``, made fast for a UTC time."""
        if at.tzinfo is not UTC:
            return at.isoformat()
        day, clock = self._parts(at)
        micro = at.microsecond
        return f"{day}T{clock}.{micro:06d}+00:00" if micro else f"{day}T{clock}+00:00"


def _sqlite_time(value: datetime) -> str:
    """As SQLAlchemy stores a naive UTC time in SQLite: microseconds always written."""
    if value.tzinfo is UTC:  # most: the text without its offset
        return value.isoformat(" ", "microseconds")[:26]
    if value.tzinfo is not UTC:
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} given to the store; use UTC")
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")


class Json(str):
    """A value's JSON text, made already (``storage.chain.encoded``): stored as it is."""


def _json(value: Any) -> str:
    return value if isinstance(value, Json) else json.dumps(value)


def _converter(kind: Any, dialect: str) -> Callable[[Any], Any] | None:
    """What the column type does to a value on its way in (None: nothing)."""
    if isinstance(kind, UtcDateTime):
        return _sqlite_time if dialect == "sqlite" else _aware
    if isinstance(kind, JSON):
        return _json
    return None


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r} given to the store; use UTC")
    return value


def insert_returning(
    session: Session, table: Any, rows: Sequence[dict[str, Any]], key: str
) -> dict[Any, int]:
    """``rows`` into ``table``; each row's new id by its ``key`` column."""
    if not rows:
        return {}
    stmt = insert(table).returning(table.c.id, table.c[key], sort_by_parameter_order=True)
    return {k: i for i, k in session.connection().execute(stmt, list(rows))}


def widen_cache(session: Session) -> None:
    """SQLite: a 64 MB page cache on this connection (2 MB by default), so the ticket
    table's many indexes stay in memory while a bulk of rows goes in."""
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql("PRAGMA cache_size=-65536")


# -- the search index -------------------------------------------------------------------

# The trigger that indexes a ticket made (migration 0011), on both backends. The index is
# one row per ticket, and each comment added rewrites its ticket's whole row (SQLite's
# FTS5 row taken out and tokenized again; PostgreSQL's row written anew, its tsvector and
# trigram index entries with it): a ticket indexed when made and then given three comments
# costs its indexing four times over or more. A ticket not indexed yet costs its comments
# nothing (the comment trigger finds no row to change), and indexed once with them, once.
INDEXER = "ticket_text_made"
COMMENT_INDEXER = "ticket_text_comment"  # a comment added (both backends)

# A ticket's row of the index as the triggers leave it: its comments in the order they
# were added (SQLite: each text ending in a line break, ``storage.search``; PostgreSQL:
# each comment after one).
SQLITE_INDEX = """
INSERT INTO ticket_text (rowid, title, description, comments, labels)
SELECT t.id, t.title || char(10), t.description || char(10), coalesce(
  (SELECT group_concat(b, '') FROM (
    SELECT c.body || char(10) AS b FROM comment c WHERE c.ticket_id = t.id ORDER BY c.id)), ''),
  'T-' || t.number || ' ' || replace(t.tags, ',', ' ') || ' ' ||
  coalesce((SELECT name FROM customer WHERE id = t.customer_id), '') || char(10)
FROM ticket t
WHERE t.id > ? AND t.id <= ?
  AND t.id NOT IN (SELECT rowid FROM ticket_text WHERE rowid > ? AND rowid <= ?)
"""
PG_INDEX = """
INSERT INTO ticket_text (ticket_id, title, description, comments, labels)
SELECT t.id, t.title, t.description, coalesce(
  (SELECT string_agg(E'\\n' || c.body, '' ORDER BY c.id) FROM comment c
   WHERE c.ticket_id = t.id), ''),
  'T-' || t.number || ' ' || replace(t.tags, ',', ' ') || ' ' ||
  coalesce((SELECT name FROM customer WHERE id = t.customer_id), '')
FROM ticket t
WHERE t.id > %s AND t.id <= %s
  AND NOT EXISTS (SELECT 1 FROM ticket_text x WHERE x.ticket_id = t.id)
ON CONFLICT (ticket_id) DO NOTHING
"""


@contextmanager
def unindexed(session: Session, table: str = "ticket", trigger: str = INDEXER) -> Iterator[None]:
    """The tickets written inside are not indexed for search yet; ``index_tickets`` indexes
    each such ticket later, once, with the comments it has by then (the comment trigger
    adds any after that). The trigger is off for the caller's transaction only, and on
    again, as it was, before it commits (both backends' schema changes are transactional).
    SQLite: dropped and made again (the write lock is held throughout: no other writer
    meets the desk without it). PostgreSQL: ``ALTER TABLE ticket DISABLE TRIGGER``, which
    only a login that owns the table may do (it locks out other writers of tickets, not
    readers, to the commit); any other login writes through the trigger.
    (``table``, ``trigger``: another of the index's triggers, as ``comments_unindexed``.)"""
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        found = conn.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (trigger,)
        ).scalar()
        if found is not None:
            conn.exec_driver_sql(f'DROP TRIGGER "{trigger}"')
        yield
        if found is not None:
            conn.exec_driver_sql(found)
        return
    try:
        with conn.begin_nested():
            conn.exec_driver_sql(f'ALTER TABLE "{table}" DISABLE TRIGGER "{trigger}"')
    except DBAPIError:  # not the table's owner: the trigger indexes them
        yield
        return
    yield
    conn.exec_driver_sql(f'ALTER TABLE "{table}" ENABLE TRIGGER "{trigger}"')


# A ticket's comments in its row of the index read again, as the comment trigger leaves
# them (and ``SQLITE_INDEX``/``PG_INDEX`` make them), for the tickets given that have a row.
SQLITE_COMMENTS = """
UPDATE ticket_text SET comments = coalesce(
  (SELECT group_concat(b, '') FROM (
    SELECT c.body || char(10) AS b FROM comment c WHERE c.ticket_id = ticket_text.rowid
    ORDER BY c.id)), '')
WHERE rowid IN (SELECT value FROM json_each(?))
"""
PG_COMMENTS = """
UPDATE ticket_text x SET comments = coalesce(
  (SELECT string_agg(E'\\n' || c.body, '' ORDER BY c.id) FROM comment c
   WHERE c.ticket_id = x.ticket_id), '')
WHERE x.ticket_id = ANY(%s)
"""


@contextmanager
def comments_unindexed(session: Session, ticket_ids: Sequence[int]) -> Iterator[None]:
    """Comments of ``ticket_ids`` written inside, without the comment trigger's update of
    the index a comment at a time (which, for a ticket not indexed yet, finds no row and
    does nothing, at a cost per comment): on the way out, those of the tickets that are
    indexed already have their comments read again at once; the rest get theirs when
    ``index_tickets`` indexes them. The trigger is off as ``unindexed`` turns it off."""
    with unindexed(session, "comment", COMMENT_INDEXER):
        yield
        conn, ids = session.connection(), sorted(set(ticket_ids))
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql(SQLITE_COMMENTS, (json.dumps(ids),))
        else:
            conn.exec_driver_sql(PG_COMMENTS, (ids,))


def index_tickets(session: Session, after_id: int, count: int) -> int | None:
    """The search index's rows of the tickets with ids in (after_id, after_id + count]
    that have none (as ``unindexed`` left them); returns the last id looked at, None past
    the newest ticket."""
    newest = newest_ticket_id(session)
    if after_id >= newest:
        return None
    upto = min(after_id + count, newest)
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(SQLITE_INDEX, (after_id, upto, after_id, upto))
    else:
        conn.exec_driver_sql(PG_INDEX, (after_id, upto))
    return upto


def reserve_numbers(session: Session, count: int) -> int:
    """Take ``count`` ticket numbers at once (never reused); returns the first."""
    stmt = (
        update(COUNTER)
        .where(COUNTER.c.name == "ticket")
        .values(value=COUNTER.c.value + count)
        .returning(COUNTER.c.value)
    )
    last = int(session.connection().execute(stmt).scalar_one())
    return last - count + 1


def newest_ticket_id(session: Session) -> int:
    return int(
        session.connection().execute(select(func.coalesce(func.max(TICKETS.c.id), 0))).scalar_one()
    )


def newest_id(session: Session, table: Any) -> int:
    """The highest id in ``table`` (0: none), for rows given their ids by the caller."""
    found = select(func.coalesce(func.max(table.c.id), 0))
    return int(session.connection().execute(found).scalar_one())


def follow_ids(session: Session, tables: Sequence[Any]) -> None:
    """After rows went in with ids of the caller's: PostgreSQL's id sequences of these
    tables moved past them (SQLite takes the highest id there by itself)."""
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f'coalesce((SELECT max(id) FROM "{table.name}"), 0) + 1, false)'
        )


def tickets_by_external_id(
    session: Session, external_ids: Sequence[str], *, after_id: int = 0
) -> dict[str, int]:
    """Ticket ids by external id, of those here (only tickets with an id above ``after_id``)."""
    found: dict[str, int] = {}
    for part in _chunks(list(dict.fromkeys(external_ids))):
        stmt = select(TICKETS.c.external_id, TICKETS.c.id).where(
            _among(session, TICKETS.c.external_id, part), TICKETS.c.id > after_id
        )
        found.update({e: i for e, i in session.connection().execute(stmt)})
    return found


def ids_by(session: Session, table: Any, column: str, values: Sequence[str]) -> dict[str, int]:
    """Row ids of ``table`` by the value of its unique ``column``, for those there."""
    found: dict[str, int] = {}
    for part in _chunks(list(dict.fromkeys(values))):
        stmt = select(table.c[column], table.c.id).where(_among(session, table.c[column], part))
        found.update({v: i for v, i in session.connection().execute(stmt)})
    return found


def ensure_named(
    session: Session, table: Any, column: str, values: Sequence[str], **defaults: Any
) -> dict[str, int]:
    """Row ids by ``column`` for ``values``, the missing ones made (with ``defaults``)."""
    found = ids_by(session, table, column, values)
    missing = [v for v in dict.fromkeys(values) if v not in found]
    found.update(
        insert_returning(session, table, [{column: v, **defaults} for v in missing], column)
    )
    return found


def customer_tiers(session: Session, ids: Sequence[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for part in _chunks(list(set(ids))):
        stmt = select(CUSTOMERS.c.id, CUSTOMERS.c.tier).where(_among(session, CUSTOMERS.c.id, part))
        found.update(dict(session.connection().execute(stmt).all()))
    return found


def contacts_by_address(session: Session, addresses: Sequence[str]) -> dict[str, int]:
    """Contact ids by (lower-case) address, for those known."""
    found: dict[str, int] = {}
    for part in _chunks(list(dict.fromkeys(addresses))):
        stmt = select(EMAILS.c.address, EMAILS.c.contact_id).where(
            _among(session, EMAILS.c.address, part)
        )
        found.update(dict(session.connection().execute(stmt).all()))
    return found


def add_contacts(
    session: Session, people: Sequence[tuple[str, str, int | None]], now: datetime
) -> dict[str, int]:
    """New contacts (address, name, customer id), one address each; ids by address."""
    if not people:
        return {}
    rows = [
        {"name": name, "customer_id": c, "phone": None, "created_at": now} for _, name, c in people
    ]
    stmt = insert(CONTACTS).returning(CONTACTS.c.id, sort_by_parameter_order=True)
    ids = [i for (i,) in session.connection().execute(stmt, rows)]
    insert_rows(
        session,
        EMAILS,
        [{"contact_id": i, "address": a} for i, (a, _, _) in zip(ids, people, strict=True)],
    )
    return {a: i for i, (a, _, _) in zip(ids, people, strict=True)}


def agents(session: Session) -> list[tuple[int, str, str, str | None, int | None]]:
    """Every agent: (id, handle, name, email, team id)."""
    stmt = select(AGENTS.c.id, AGENTS.c.handle, AGENTS.c.name, AGENTS.c.email, AGENTS.c.team_id)
    return [tuple(r) for r in session.connection().execute(stmt)]  # type: ignore[misc]


def team_ids(session: Session) -> dict[str, int]:
    """Every team's id by its name."""
    return dict(session.connection().execute(select(TEAMS.c.name, TEAMS.c.id)).all())


def record_changes(session: Session, ticket_ids: Sequence[int], kind: str, at: datetime) -> None:
    """The change feed's rows for many tickets, as ``changes.record`` writes them (call it
    last: on PostgreSQL the feed's lock is held from here to commit, and listeners told)."""
    if not ticket_ids:
        return
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        session.execute(text("LOCK TABLE change IN EXCLUSIVE MODE"))
    insert_rows(session, CHANGES, [{"ticket_id": t, "at": at, "kind": kind} for t in ticket_ids])
    if postgres:
        session.execute(select(func.pg_notify(CHANNEL, func.current_schema())))


# -- the checkpoint ----------------------------------------------------------------------


def checkpoint(session: Session, source: str) -> dict[str, Any] | None:
    row = session.connection().execute(select(CHECKPOINTS).where(CHECKPOINTS.c.source == source))
    found = row.mappings().first()
    return dict(found) if found else None


def start_checkpoint(session: Session, values: dict[str, Any]) -> None:
    insert_rows(session, CHECKPOINTS, [values])


def save_checkpoint(session: Session, source: str, **values: Any) -> None:
    session.connection().execute(
        update(CHECKPOINTS).where(CHECKPOINTS.c.source == source).values(**values)
    )


# -- reading for export ------------------------------------------------------------------


def ticket_batches(
    session: Session, *, since: datetime | None, statuses: Sequence[str] | None, size: int
) -> Iterator[list[dict[str, Any]]]:
    """Tickets with the names they point at, in id order, ``size`` at a time (keyset: a
    batch never holds more, whatever the desk's size); ``since``: updated at or after."""
    assignee, contact = AGENTS.alias("assignee"), CONTACTS.alias("asker")
    first_email = (
        select(func.min(EMAILS.c.address))
        .where(EMAILS.c.contact_id == TICKETS.c.requester_id)
        .scalar_subquery()
    )
    stmt = (
        select(
            TICKETS,
            assignee.c.handle.label("assignee"),
            TEAMS.c.name.label("team"),
            CUSTOMERS.c.name.label("customer"),
            CATEGORIES.c.path.label("category"),
            contact.c.name.label("requester_name"),
            first_email.label("requester_email"),
        )
        .outerjoin(assignee, TICKETS.c.assignee_id == assignee.c.id)
        .outerjoin(TEAMS, TICKETS.c.team_id == TEAMS.c.id)
        .outerjoin(CUSTOMERS, TICKETS.c.customer_id == CUSTOMERS.c.id)
        .outerjoin(CATEGORIES, TICKETS.c.category_id == CATEGORIES.c.id)
        .outerjoin(contact, TICKETS.c.requester_id == contact.c.id)
    )
    if since is not None:
        stmt = stmt.where(or_(TICKETS.c.updated_at >= since, TICKETS.c.created_at >= since))
    if statuses:
        stmt = stmt.where(TICKETS.c.status.in_(list(statuses)))
    after = 0
    while True:
        page = stmt.where(TICKETS.c.id > after).order_by(TICKETS.c.id).limit(size)
        rows = [dict(r) for r in session.connection().execute(page).mappings()]
        if not rows:
            return
        yield rows
        after = rows[-1]["id"]


def comments_of(session: Session, ticket_ids: Sequence[int]) -> list[dict[str, Any]]:
    """The comments of these tickets (not the desk's own system lines), oldest first."""
    stmt = (
        select(
            COMMENTS.c.ticket_id,
            COMMENTS.c.kind,
            COMMENTS.c.body,
            COMMENTS.c.created_at,
            AGENTS.c.handle.label("author"),
        )
        .outerjoin(AGENTS, COMMENTS.c.author_id == AGENTS.c.id)
        .where(COMMENTS.c.ticket_id.in_(list(ticket_ids)), COMMENTS.c.kind != "system")
        .order_by(COMMENTS.c.ticket_id, COMMENTS.c.created_at, COMMENTS.c.id)
    )
    return [dict(r) for r in session.connection().execute(stmt).mappings()]
