"""The roster: who works at the desk, and the first use of a desk."""

from __future__ import annotations

from sqlalchemy import event

from deskline.core.roster.agents import Roster
from deskline.storage.store import Store


def test_a_desk_in_use_is_not_write_locked_to_ask_whether_it_is_new(sqlite_url):
    """Every command asks whether this is the desk's first use; a read command must not
    take SQLite's write lock (BEGIN IMMEDIATE) to find out."""
    store = Store.open(sqlite_url)
    Roster(store).add("ana", name="Ana", role="admin")
    statements: list[str] = []
    listen = (store.engine, "before_cursor_execute")

    def seen(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    event.listen(*listen, seen)
    try:
        assert Roster(store).enrol_first("bo") is None
    finally:
        event.remove(*listen, seen)
    assert statements and not any(
        s.lstrip().upper().startswith(("BEGIN IMMEDIATE", "INSERT")) for s in statements
    )
    assert [a.handle for a in Roster(store).list()] == ["ana"]
    store.close()


def test_an_os_user_with_capitals_is_its_lower_case_handle(monkeypatch):
    import getpass

    from deskline.core.roster.agents import check_handle, os_handle

    monkeypatch.setattr(getpass, "getuser", lambda: "JSmith")
    assert os_handle() == "jsmith" == check_handle(os_handle())
