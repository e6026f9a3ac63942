"""``list --json`` and ``--jsonl`` stream the queue from Core reads: the same bytes as the
whole list dumped at once (what ``list --json`` printed before it streamed), on both
backends, across many fetched batches; a closed pipe ends the command quietly."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from in_process import ADMIN, Cli, plain_desk

from deskline.core.desk.database import open_store
from deskline.core.desk.tickets import Desk
from deskline.core.roster.agents import Roster
from deskline.storage import reads


@pytest.fixture
def cli(db_url, capsys, monkeypatch) -> Cli:
    monkeypatch.setenv("DESKLINE_NOW", "2026-04-02T06:30:00+00:00")  # clocks read alike
    cli = plain_desk(db_url, capsys, monkeypatch)
    made = [
        ("new", "--title", "VPN drops 断线", "-p", "P1", "--customer", "Northwind", "--vip"),
        ("new", "--title", "Printer jams", "--category", "Hardware/Printer", "--tag", "a"),
        ("new", "--title", "Invoice wrong", "-p", "P3", "--channel", "email"),
        ("new", "--title", "Cannot log in", "-p", "P0", "--category", "Account/Login"),
        ("new", "--title", 'Quote " and \\ backslash', "--description", "line\nbreak\ttab"),
    ]
    for args in made:
        assert cli(*args, as_=ADMIN)[0] == 0
    assert cli("assign", "T-2", "ana", as_=ADMIN)[0] == 0
    assert cli("take", "T-3", as_=ADMIN)[0] == 0
    assert cli("status", "T-3", "resolved", "--reason", "fixed", as_=ADMIN)[0] == 0
    return cli


def whole(db: str, **asked) -> str:
    """What ``list --json`` printed before it streamed: the whole list, dumped at once."""
    store = open_store(db)
    try:
        tickets = Desk(store, "ana").list(**asked)
    finally:
        store.close()
    return json.dumps([t.to_json() for t in tickets], ensure_ascii=False, indent=2) + "\n"


CASES = [
    ((), {}),
    (("--all",), {"statuses": ["new", "assigned", "in_progress", "pending", "resolved", "closed"]}),
    (("-p", "P1", "-p", "P0"), {"priorities": ["P1", "P0"]}),
    (("--mine",), {"mine": True}),
    (("--limit", "2"), {"limit": 2}),
    (("-s", "closed"), {"statuses": ["closed"]}),  # none: an empty array
]


@pytest.mark.parametrize(("args", "asked"), CASES, ids=lambda c: " ".join(c) or "open")
def test_streamed_json_is_the_whole_list_byte_for_byte(cli, db_url, monkeypatch, args, asked):
    monkeypatch.setattr(reads, "BATCH", 2)  # many fetches (a server-side cursor on PostgreSQL)
    code, out, err = cli("list", *args, "--json")
    assert code == 0, err
    expected = whole(db_url, **asked)
    assert out == expected
    assert json.loads(out) == json.loads(expected)


def test_jsonl_is_one_object_a_line_as_in_the_json_array(cli, monkeypatch):
    monkeypatch.setattr(reads, "BATCH", 2)
    code, out, err = cli("list", "--all", "--jsonl")
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 5 and out.endswith("\n")
    parsed = [json.loads(line) for line in lines]  # each line parses alone
    assert parsed == cli.json("list", "--all")
    assert cli("list", "-s", "closed", "--jsonl")[1] == ""  # nothing listed: no line


def test_json_and_jsonl_together_is_one_usage_line(cli):
    code, out, err = cli("list", "--json", "--jsonl")
    assert (code, out) == (2, "")
    assert err == "deskline: give either --json or --jsonl, not both\n"


def test_a_reader_that_goes_away_ends_the_list_quietly(sqlite_url, tmp_path):
    """``deskline list --jsonl | head -1``: more than a pipe holds, the reader gone after a
    line; no traceback, nothing more on stderr."""
    store = open_store(sqlite_url)
    Roster(store).add("ada", name="Ada Admin", role="admin")
    desk = Desk(store, "ada")
    for n in range(120):
        desk.create(f"Ticket {n}", description="x" * 800)
    store.close()
    env = {**os.environ, "DESKLINE_AS": "ada", "PYTHONPATH": os.pathsep.join(sys.path)}
    first = [sys.executable, "-m", "deskline", "--db", sqlite_url, "list", "--limit", "1"]
    subprocess.run(first, env=env, cwd=tmp_path, check=True, capture_output=True)  # told once
    for form in ("--jsonl", "--json"):
        child = subprocess.Popen(
            [sys.executable, "-m", "deskline", "--db", sqlite_url, "list", form],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=tmp_path,
        )
        assert child.stdout is not None and child.stderr is not None
        assert child.stdout.readline()
        child.stdout.close()
        err = child.stderr.read().decode()
        child.wait(timeout=30)
        assert err == "", err
        assert child.returncode != 0  # stopped before the end, as ``cat`` would be
