"""``deskline macros``, ``reply --macro`` and ``deskline bulk``: macros from the desk's policy,
one change per ticket, refusals one line each and exit 1, keys from stdin."""

from __future__ import annotations

import io
import json
import os
import sys

import pytest
from in_process import ADMIN, Cli, plain_desk, row_counts
from processes import deskline

from deskline.core.desk.macros import PLACEHOLDERS

MACROS = """
[[macro]]
name = "reset"
text = "Hello {customer}, {key} is reset. {agent}"
status = "pending"
tags = ["+password"]

[[macro]]
name = "peek"
kind = "note"
text = "Looked at {title}"
"""


@pytest.fixture
def cli(db_url, capsys, monkeypatch, tmp_path) -> Cli:
    run = plain_desk(db_url, capsys, monkeypatch)
    policy = tmp_path / "policy.toml"
    policy.write_text(MACROS)
    code, _, err = run("policy", "apply", str(policy), "--yes", as_=ADMIN)
    assert code == 0, err
    for title in ("One", "Two", "Three"):
        assert run("new", "--title", title, "--customer", "Globex")[0] == 0
    assert run("take", "T-1")[0] == 0 and run("take", "T-2")[0] == 0
    return run


def test_macros_lists_them_and_reply_macro_applies_one(cli):
    code, out, _ = cli("macros")
    assert code == 0 and "reset  (reply; sets status pending, tags +password)" in out
    assert [m["name"] for m in cli.json("macros")] == ["reset", "peek"]
    # every placeholder a text may use is listed with what it stands for
    listed = out[out.index("placeholders a macro's text may use:") :].splitlines()[1:]
    assert [line.split()[0] for line in listed] == [f"{{{p}}}" for p in PLACEHOLDERS]
    assert "{requester}  the requester's name, else their address, else the customer" in out

    code, out, err = cli("reply", "T-1", "--macro", "reset")
    assert code == 0, err
    assert out.strip() == "T-1: macro reset applied (pending, P2)"
    shown = cli.json("show", "T-1")
    assert shown["comments"][-1]["body"] == "Hello Globex, T-1 is reset. Ana Silva"
    assert shown["status"] == "pending" and "password" in shown["tags"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("reply", "T-1", "--macro", "nope"), "no macro 'nope'; known: reset, peek"),
        (("reply", "T-1", "hi", "--macro", "reset"), "give TEXT or --macro, not both"),
        (("reply", "T-1"), "give the reply's TEXT, or --macro NAME"),
        (("bulk", "tag", "vip", "T-1"), "'vip' is neither a ticket key nor a tag change"),
        (("bulk", "tag", "T-1"), "no tag change"),
        (("bulk", "priority", "P1", "T-1"), "give --reason"),
        (("bulk", "priority", "P9", "T-1", "--reason", "x"), "bad priority"),
        (("bulk", "status", "done", "T-1"), "unknown status 'done'"),
        (("bulk", "macro", "nope", "T-1"), "no macro 'nope'"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(cli, db_url, args, message):
    before = row_counts(db_url)
    code, out, err = cli(*args)
    assert code != 0 and out == ""
    assert err.startswith("deskline: ") and message in err
    assert err.count("\n") == 1 and len(err) < 300
    assert row_counts(db_url) == before


def test_bulk_applies_each_and_reports_each_refusal(cli):
    code, out, err = cli("bulk", "macro", "reset", "T-1", "T-2", "T-3", "T-99")
    assert code == 1
    assert out.splitlines() == ["T-1: macro reset", "T-2: macro reset"]
    lines = err.splitlines()
    assert lines[0].startswith("deskline: T-3: cannot move T-3 from new to pending")
    assert lines[1].startswith("deskline: T-99: no ticket T-99")
    assert lines[2] == "deskline: macro reset: 2 of 4 ticket(s), 2 refused"
    assert [cli.json("show", k)["status"] for k in ("T-1", "T-2", "T-3")] == [
        "pending",
        "pending",
        "new",
    ]

    code, out, err = cli("bulk", "tag", "+vip", "-password", "t-1", "2", "T-1")
    assert code == 0, err
    assert out.splitlines() == ["T-1: tags +vip -password", "T-2: tags +vip -password"]
    assert cli.json("show", "T-2")["tags"] == ["vip"]

    code, out, _ = cli("bulk", "assign", "bo", "T-1", "T-2", as_=ADMIN)
    assert code == 0 and out.splitlines() == ["T-1: assigned to bo", "T-2: assigned to bo"]
    code, _, _ = cli("bulk", "priority", "P1", "T-1", "T-2", "--reason", "outage", as_=ADMIN)
    assert code == 0
    code, _, _ = cli("bulk", "status", "resolved", "T-1", "--reason", "fixed", as_="bo")
    assert code == 0 and cli.json("show", "T-1")["status"] == "resolved"


def test_bulk_reads_keys_from_stdin(cli, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("KEY TITLE\nT-1 One\n  T-2  Two\n\n"))
    code, out, err = cli("bulk", "tag", "+seen", "-")
    assert code == 0, err
    assert out.splitlines() == ["T-1: tags +seen", "T-2: tags +seen"]


def test_bulk_from_a_pipe_in_a_real_process(tmp_path):
    db = str(tmp_path / "desk.sqlite")
    env = {**os.environ, "DESKLINE_DB": db, "DESKLINE_USER": "ada"}
    deskline(env, "--as", "ada", "new", "--title", "a")
    deskline(env, "--as", "ada", "new", "--title", "b")
    listed = deskline(env, "--as", "ada", "list").stdout
    done = deskline(env, "--as", "ada", "bulk", "tag", "+piped", stdin=listed)
    assert sorted(done.stdout.splitlines()) == ["T-1: tags +piped", "T-2: tags +piped"]
    shown = json.loads(deskline(env, "--as", "ada", "show", "T-2", "--json").stdout)
    assert shown["tags"] == ["piped"]
    refused = deskline(env, "--as", "ada", "bulk", "tag", "+piped", "T-1", "T-7", check=False)
    assert refused.returncode == 1
    assert "deskline: T-1: T-1 has those tags already" in refused.stderr
    assert "deskline: T-7: no ticket T-7" in refused.stderr


def test_a_piped_line_that_is_no_key_is_refused_and_nothing_changes(cli, db_url, monkeypatch):
    before = row_counts(db_url)
    piped = "# from the list\nT-1\n\ngarbage\nT-2\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(piped))
    code, out, err = cli("bulk", "tag", "+seen", "-")
    assert (code, out) == (2, "")
    assert err == (
        "deskline: stdin line 4: 'garbage' is not a ticket key (one a line, like T-12)\n"
    )
    assert row_counts(db_url) == before and cli.json("show", "T-1")["tags"] == []
    hostile = "T-1\n\x1b]0;pwned\x07 T-2\n"  # shown inert, not as given
    monkeypatch.setattr(sys, "stdin", io.StringIO(hostile))
    code, _, err = cli("bulk", "tag", "+seen", "-")
    assert code == 2 and "\x1b" not in err and "\\x1b]0;pwned\\x07 T-2" in err
    monkeypatch.setattr(sys, "stdin", io.StringIO("# comments and blanks skipped\n\nT-1\n"))
    code, out, err = cli("bulk", "tag", "+seen", "-")
    assert (code, out) == (0, "T-1: tags +seen\n"), err


def test_a_list_said_in_chinese_pipes_into_a_bulk_in_english(cli, monkeypatch):
    from deskline.core.language import _, speaking
    from deskline.tui.cli.render import TICKET_COLUMNS

    with speaking("zh_CN"):
        header = "  ".join(_(column) for column in TICKET_COLUMNS)
    assert "编号" in header
    rows = f"{header}\n✖ -1:43:05  T-1  P2  处理中  ana\n✓ 已达标  T-2  P2  处理中  ana\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(rows))
    code, out, err = cli("bulk", "tag", "+seen", "-")
    assert code == 0, err
    assert out.splitlines() == ["T-1: tags +seen", "T-2: tags +seen"]
