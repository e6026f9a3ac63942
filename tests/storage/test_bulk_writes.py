"""The set-based path's writes (``storage.bulk``): PostgreSQL's COPY puts in exactly the
rows an executemany of the same values does, whatever the text holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hostile import CORPUS
from sqlalchemy import select
from sqlalchemy import text as sql

from deskline.core.desk.tickets import Desk
from deskline.core.roster.agents import Roster
from deskline.storage import bulk
from deskline.storage.chain import encoded
from deskline.storage.store import Store

TEXTS = [
    *CORPUS.values(),
    "tab\there",
    "lines\nand\r\nbreaks",
    "back\\slash \\N \\. \\t",
    "\\N",
    "中文 标题 with mixed",
    "quote ' and \" both",
    "x",
]
AT = datetime(2026, 10, 1, 9, 0, 0, 123456, tzinfo=UTC)


def _rows(ticket_id: int, agent_id: int, mark: str) -> dict[str, list[dict]]:
    comments, events, alerts = [], [], []
    for i, text in enumerate(TEXTS):
        at = AT + timedelta(minutes=i)
        comments.append(
            {"ticket_id": ticket_id, "author_id": agent_id if i % 2 else None, "kind": "note"}
            | {"body": text, "created_at": at}
        )
        new = {"title": text, "n": i, "ok": True, "list": [1, None, text]}
        events.append(
            {
                "ticket_id": ticket_id,
                "actor_id": agent_id,
                "at": at.astimezone(timezone(timedelta(hours=8))),  # any offset: stored UTC
                "kind": "note",
                "old": None if i % 2 else {"status": text},
                "new": bulk.Json(encoded(new)) if i % 3 else new,  # encoded already, or not
                "reason": text,
                "login": None,
                "prev_hash": None,
                "hash": f"{i:064x}",
            }
        )
        alerts.append(
            {
                "dedupe_key": f"{mark}-{i}",
                "ticket_id": ticket_id,
                "rung": "warning",
                "threshold": 0.75,
                "clock": "resolution" if i % 2 else None,
                "level": i,
                "due_at": at if i % 2 else None,
                "at": at,
                "fired_at": at,
                "late": bool(i % 2),
                "held": not i % 2,
                "recipients": [text] if i % 2 else [],
                "summary": text,
            }
        )
    return {"comment": comments, "event": events, "alert": alerts}


class _Ticket:
    def __init__(self, id: int) -> None:
        self.id = id


def test_copy_writes_exactly_the_rows_an_executemany_does(pg_url):
    store = Store.open(pg_url)
    Roster(store).add("ana", name="Ana Silva", role="admin", team="Service Desk")
    desk = Desk(store, "ana")
    made = [desk.create("One").number, desk.create("Other").number]
    tables = {"comment": bulk.COMMENTS, "event": bulk.EVENTS, "alert": bulk.ALERTS}
    with store.write() as s:
        agent_id = bulk.agents(s)[0][0]
        ids = dict(s.execute(select(bulk.TICKETS.c.number, bulk.TICKETS.c.id)).all())
        one, other = (_Ticket(ids[n]) for n in made)
        for name, rows in _rows(one.id, agent_id, "copy").items():
            bulk.insert_rows(s, tables[name], rows)  # COPY
        for name, rows in _rows(other.id, agent_id, "many").items():
            bulk.insert_rows(s, tables[name], rows, copy=False)
    with store.read() as s:
        for name, table in tables.items():
            got = {}
            for ticket in (one.id, other.id):
                stmt = select(table).where(table.c.ticket_id == ticket).order_by(table.c.id)
                if name == "event":  # not the ticket's own (created)
                    stmt = stmt.where(table.c.kind == "note")
                found = [dict(r) for r in s.execute(stmt).mappings()]
                for r in found:
                    del r["id"], r["ticket_id"]
                    if name == "alert":
                        r["dedupe_key"] = r["dedupe_key"].split("-", 1)[1]
                got[ticket] = found
            assert len(got[one.id]) == len(TEXTS)
            assert got[one.id] == got[other.id], name
    with store.read() as s:
        bodies = s.execute(
            select(bulk.COMMENTS.c.body).where(bulk.COMMENTS.c.ticket_id == one.id)
        ).scalars()
        assert list(bodies) == TEXTS  # not escaped, not cut
    store.close()


def _key(s) -> str:
    return "rowid" if s.get_bind().dialect.name == "sqlite" else "ticket_id"


def _index_of(s, ticket_id: int) -> str | None:
    """The comments in a ticket's row of the search index (None: no row)."""
    found = s.execute(
        sql(f"SELECT comments FROM ticket_text WHERE {_key(s)} = :t"), {"t": ticket_id}
    )
    return found.scalar()


def test_comments_written_without_their_trigger_index_as_the_trigger_does(db_url):
    """``comments_unindexed``: an indexed ticket's row of the index ends as the trigger
    leaves it (comment by comment), a ticket not indexed yet stays so until
    ``index_tickets``, which reads them, and the trigger is on again afterwards."""
    store = Store.open(db_url)
    Roster(store).add("ana", name="Ana Silva", role="admin", team="Service Desk")
    desk = Desk(store, "ana")
    numbers = [desk.create(title).number for title in ("Triggered", "Bulk", "Later")]
    with store.write() as s:
        ids = dict(s.execute(select(bulk.TICKETS.c.number, bulk.TICKETS.c.id)).all())
        triggered, at_once, later = (ids[n] for n in numbers)
        s.execute(sql(f"DELETE FROM ticket_text WHERE {_key(s)} = :t"), {"t": later})

    def rows(ticket_id: int) -> list[dict]:
        return [
            {"ticket_id": ticket_id, "author_id": None, "kind": "note", "body": body}
            | {"created_at": AT}
            for body in TEXTS
        ]

    with store.write() as s:
        bulk.insert_rows(s, bulk.COMMENTS, rows(triggered))  # the trigger, a row at a time
    with store.write() as s, bulk.comments_unindexed(s, [at_once, later]):
        bulk.insert_rows(s, bulk.COMMENTS, rows(at_once) + rows(later))
    with store.read() as s:
        before = _index_of(s, triggered)
        assert before is not None and TEXTS[-2] in before
        assert _index_of(s, at_once) == before
        assert _index_of(s, later) is None
    with store.write() as s:
        bulk.index_tickets(s, later - 1, 1)
        bulk.insert_rows(s, bulk.COMMENTS, rows(triggered)[:1] + rows(at_once)[:1])
    with store.read() as s:
        assert _index_of(s, later) == before  # indexed once, with its comments
        after = _index_of(s, at_once)
        assert after == _index_of(s, triggered) != before  # the trigger is on again
    store.close()
