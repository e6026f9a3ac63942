"""``deskline archive run`` and the archive in ``list``, ``search`` and ``show``, as a
supervisor uses them with a frozen clock; a refused or bad command changes nothing."""

from __future__ import annotations

import pytest
from in_process import ADMIN, Cli, plain_desk, row_counts

CLOSED_AT = "2026-04-01T09:00:00+00:00"
LATER = "2026-07-01T09:00:00+00:00"  # 91 days after


@pytest.fixture
def cli(db_url, capsys, monkeypatch) -> Cli:
    cli = plain_desk(db_url, capsys, monkeypatch)
    cli.json("agents", "set", "ana", "--role", "supervisor", as_=ADMIN)
    monkeypatch.setenv("DESKLINE_NOW", CLOSED_AT)
    for title in ("Printer jams on floor 3", "VPN drops at night"):
        key = cli.json("new", "--title", title, "--priority", "P3")["key"]
        cli.json("take", key)
        cli.json("status", key, "resolved", "--reason", "fixed")
        cli.json("status", key, "closed")
    monkeypatch.setenv("DESKLINE_NOW", LATER)
    cli.json("new", "--title", "Printer out of toner", "--priority", "P3")  # T-3, open
    return cli


def test_a_supervisor_archives_old_closed_tickets_and_finds_them_again(cli, db_url):
    code, out, err = cli("archive", "run", "--dry-run")
    assert (code, err) == (0, "")
    assert (
        out.strip()
        == "would archive 2 tickets closed 90 days ago or more (dry run: nothing changed)"
    )
    assert cli.json("list", "--archived") == []

    code, out, _ = cli("archive", "run")
    assert (code, out.strip()) == (0, "archived 2 tickets closed 90 days ago or more")
    assert cli.json("archive", "run")["archived"] == 0  # run again: nothing more

    assert [t["key"] for t in cli.json("list", "--all")] == ["T-3"]
    assert [t["key"] for t in cli.json("list", "--archived")] == ["T-2", "T-1"]
    code, out, _ = cli("list", "--archived")
    assert code == 0 and out.count("archived") == 2
    assert [t["key"] for t in cli.json("search", "printer")] == ["T-3", "T-1"]
    assert [t["key"] for t in cli.json("search", "printer is:archived")] == ["T-1"]
    code, out, _ = cli("search", "printer")
    assert "archived" in out.splitlines()[2] and "new" in out.splitlines()[1]
    shown = cli.json("show", "T-1")
    assert shown["archived_at"] == "2026-07-01T09:00:00Z"
    code, out, _ = cli("show", "T-1")
    assert "closed, archived 2026-07-01 09:00 (read-only until reopened)" in out


def test_a_change_to_an_archived_ticket_is_one_line_and_reopen_restores_it(cli, db_url):
    cli.json("archive", "run")
    before = row_counts(db_url)
    for args in (
        ("note", "T-1", "hello"),
        ("priority", "T-1", "P1"),
        ("edit", "T-1", "--title", "new words"),
    ):
        code, out, err = cli(*args)
        assert (code, out) == (1, "")
        assert err.strip().splitlines() == ["deskline: T-1 is archived; reopen it to change it"]
    assert row_counts(db_url) == before
    back = cli.json("reopen", "T-1", "--reason", "the customer called")
    assert (back["status"], back["archived_at"]) == ("in_progress", None)
    assert "T-1" in [t["key"] for t in cli.json("list")]


def test_an_agent_may_not_archive_and_bad_input_changes_nothing(cli, db_url):
    before = row_counts(db_url)
    code, out, err = cli("archive", "run", as_="bo")
    assert code != 0 and out == ""
    assert "only a supervisor, director or admin can archive tickets" in err
    code, _, err = cli("archive", "run", "--older-than", "0")
    assert code == 2 and "--older-than 0" in err and len(err.strip().splitlines()) == 1
    assert row_counts(db_url) == before
