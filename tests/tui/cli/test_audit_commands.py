"""``deskline audit verify`` and ``audit log`` as people and scripts use them: exit 0 when
every link holds, 2 with the broken link named when one does not (both backends)."""

from __future__ import annotations

import json

import pytest
from in_process import ADMIN, Cli, plain_desk
from sqlalchemy import text

from deskline.storage.store import Store


@pytest.fixture
def cli(db_url, capsys, monkeypatch) -> Cli:
    run = plain_desk(db_url, capsys, monkeypatch)
    for title in ("printer jams", "vpn drops"):
        assert run("new", "--title", title)[0] == 0
    assert run("assign", "T-1", "bo", as_=ADMIN)[0] == 0  # bo is of no team: an admin's move
    assert run("reply", "T-1", "On it")[0] == 0
    return run


def test_verify_says_every_link_holds(cli):
    code, out, err = cli("audit", "verify")
    assert code == 0, err
    # two tickets' chains and the desk's own (the built-in policy kept as version 1)
    assert out.strip().endswith("events in 3 chains: all links hold")
    report = cli.json("audit", "verify")
    assert report["holds"] is True and report["chains"] == 3 and report["broken"] == []


def test_verify_names_the_broken_link_and_exits_2(cli):
    store = Store.open(cli.db)
    with store.engine.begin() as conn:
        if store.backend == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            conn.execute(text("DROP TRIGGER event_no_update"))
        target = conn.execute(
            text(
                "SELECT e.id FROM event e JOIN ticket t ON t.id = e.ticket_id "
                "WHERE t.number = 1 AND e.kind = 'assigned'"
            )
        ).scalar_one()
        conn.execute(
            text("UPDATE event SET new = :n WHERE id = :i"), {"n": '{"x": 1}', "i": target}
        )
    store.close()
    code, out, err = cli("audit", "verify")
    assert code == 2
    assert out.splitlines() == [
        f"T-1: event {target}: content changed: its hash does not match what it records"
    ]
    assert "1 broken" in err
    code, out, _ = cli("audit", "verify", "--json")
    assert code == 2
    assert json.loads(out)["broken"] == [
        {
            "chain": "T-1",
            "event": target,
            "problem": "content changed",
            "detail": "its hash does not match what it records",
        }
    ]
    # said in Chinese for a person; the JSON stays English whatever the language
    code, out, _ = cli("--lang", "zh_CN", "audit", "verify")
    assert code == 2
    assert out.splitlines() == [f"T-1：事件 {target}：内容被改动：其哈希与所记录的内容不符"]
    code, out, _ = cli("--lang", "zh_CN", "audit", "verify", "--json")
    assert json.loads(out)["broken"][0]["problem"] == "content changed"


def test_log_shows_a_chain_with_logins_and_no_escape_codes(cli):
    assert cli("new", "--title", "hostile \x1b[2J\x1b]0;owned\x07 title")[0] == 0
    entries = cli.json("audit", "log", "T-3")
    code, out, err = cli("audit", "log", "T-3")
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == len(entries) and entries[0]["kind"] == "created"
    for line, entry in zip(lines, entries, strict=True):
        assert f"  {entry['kind']}  " in line and f"(login {entry['login']})" in line
        assert line.rstrip().endswith(entry["hash"][:12])
    assert "hostile" in out and "\x1b" not in out and "\x07" not in out
    assert cli("audit", "log", "T-9")[0] == 1
    code, out, _ = cli("audit", "log")  # the desk's own chain: the built-in policy kept
    assert code == 0 and len(out.splitlines()) == 1
    assert "  policy_applied  " in out and "the built-in defaults; business hours in" in out
