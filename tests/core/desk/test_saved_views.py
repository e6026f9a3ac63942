"""Saved views in the audit trail: saving, replacing and deleting one are events of the
desk's own chain, naming who did it (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from deskline.core.desk import saved_views
from deskline.core.desk.tickets import Desk
from deskline.core.desk.trail import log, verify
from deskline.core.errors import Forbidden


def test_saving_replacing_and_deleting_a_shared_view_are_audited(desk):
    saved_views.save(desk, "refunds", "退款 is:open", shared=True)
    saved_views.save(desk, "refunds", "退款", sort="newest", shared=True, replace=True)
    saved_views.save(desk, "mine", "assignee:me")  # one's own is audited too
    saved_views.delete(desk, "refunds")
    entries = [e for e in log(desk.store) if e.kind.startswith("view_")]
    assert [(e.kind, e.actor) for e in entries] == [
        ("view_saved", "ana"),
        ("view_saved", "ana"),
        ("view_saved", "ana"),
        ("view_deleted", "ana"),
    ]
    first, replaced, own, deleted = entries
    assert first.old is None
    assert first.new == {
        "view": "refunds",
        "query": "退款 is:open",
        "sort": "relevance",
        "shared_with": "Service Desk",
    }
    assert replaced.old == first.new
    assert replaced.new["query"] == "退款" and replaced.new["sort"] == "newest"
    assert own.new["shared_with"] is None
    assert deleted.old == {**replaced.new, "owner": "ana"} and deleted.new is None
    assert verify(desk.store).holds


def test_a_refused_save_or_delete_writes_no_event(desk):
    bo = Desk(desk.store, "bo")
    saved_views.save(desk, "team", "is:open", shared=True)
    before = len(log(desk.store))
    with pytest.raises(Forbidden):
        saved_views.save(bo, "team", "is:open", shared=True)  # an agent shares nothing
    with pytest.raises(Forbidden):
        saved_views.delete(bo, "team")  # ana's, shared with bo's team
    assert len(log(desk.store)) == before


def test_a_view_of_that_name_is_kept_unless_replace_and_replace_keeps_its_sort(desk):
    from deskline.core.errors import InvalidInput

    saved_views.save(desk, "refunds", "退款", sort="oldest")
    before = len(log(desk.store))
    with pytest.raises(InvalidInput, match="a view 'refunds' exists: give --replace") as refused:
        saved_views.save(desk, "refunds", "x")
    assert refused.value.said(lambda part: part.app) == (
        "a view 'refunds' exists: give it another name, or delete it"
    )
    assert [(v.query, v.sort) for v in saved_views.views(desk)] == [("退款", "oldest")]
    assert len(log(desk.store)) == before  # no event either
    kept = saved_views.save(desk, "refunds", "x", replace=True)
    assert (kept.query, kept.sort) == ("x", "oldest")
    assert saved_views.save(desk, "refunds", "x", replace=True, sort="newest").sort == "newest"
