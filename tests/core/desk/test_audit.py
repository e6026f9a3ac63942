"""The audit trail and the conversation are written in the change's own transaction: a change
that fails leaves neither behind."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from deskline.core.desk.audit import add_comment, record_event
from deskline.storage import queries
from deskline.storage.models import Comment, Event

AT = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)


def test_an_event_and_a_comment_name_the_ticket_the_actor_and_the_time(desk):
    view = desk.create("VPN drops")
    with desk.store.write() as s:
        ticket = queries.ticket_by_number(s, view.number)
        ana = queries.agent_by_handle(s, "ana")
        assert ticket is not None and ana is not None
        comment = add_comment(s, ticket, ana, AT, "note", "called the user")
        assert comment.id is not None  # flushed: the event can name it
        record_event(s, ticket, ana, AT, "note", None, {"comment": comment.id}, "why")
        record_event(s, ticket, None, AT, "auto_closed", {"status": "pending"}, None)
    with desk.store.read() as s:
        events = s.exec(select(Event).where(Event.kind != "created").order_by(Event.id)).all()
        notes = s.exec(select(Comment)).all()
    assert [(e.kind, e.actor_id, e.at, e.old, e.new, e.reason) for e in events] == [
        ("note", ana.id, AT, None, {"comment": comment.id}, "why"),
        ("auto_closed", None, AT, {"status": "pending"}, None, None),
    ]
    assert [(c.kind, c.author_id, c.body) for c in notes] == [("note", ana.id, "called the user")]


def test_a_change_that_fails_leaves_no_event_and_no_comment(desk):
    view = desk.create("VPN drops")
    with pytest.raises(RuntimeError), desk.store.write() as s:
        ticket = queries.ticket_by_number(s, view.number)
        assert ticket is not None
        add_comment(s, ticket, None, AT, "system", "closing")
        record_event(s, ticket, None, AT, "auto_closed", None, None)
        raise RuntimeError("the change failed after writing them")
    with desk.store.read() as s:
        assert [e.kind for e in s.exec(select(Event)).all()] == ["created"]
        assert s.exec(select(Comment)).all() == []
