"""Ticket commands as scripts and people use them: JSON round trips and one-line errors."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from in_process import ADMIN, Cli, plain_desk, row_counts


@pytest.fixture
def cli(db_url, capsys, monkeypatch) -> Cli:
    return plain_desk(db_url, capsys, monkeypatch)


def test_create_show_list_round_trip_in_json(cli):
    made = cli.json(
        "new",
        "--title",
        "打印机卡纸 printer jams",
        "-p",
        "P1",
        "--category",
        "Hardware/Printer",
        "--customer",
        "Northwind",
        "--vip",
        "--channel",
        "phone",
        "--description",
        "Third floor, every page.",
        "--tag",
        "printer",
    )
    assert made["key"] == "T-1" and made["status"] == "new" and made["vip"] is True
    shown = cli.json("show", "T-1")
    assert {k: shown[k] for k in made} == made
    # triage records its suggestion for a VIP (P2 raised to P1), agreeing with the -p P1 given
    assert [e["kind"] for e in shown["events"]] == ["created", "triaged"]
    assert shown["comments"] == []
    listed = cli.json("list")
    assert listed == [made]
    assert set(made) >= {
        "key",
        "title",
        "description",
        "status",
        "priority",
        "category",
        "customer",
        "vip",
        "channel",
        "tags",
        "assignee",
        "team",
        "created_at",
        "updated_at",
        "first_response_at",
        "resolved_at",
        "closed_at",
        "escalation_level",
        "reopen_count",
        "version",
    }
    assert made["created_at"].endswith("Z")


def test_the_whole_workflow_from_the_command_line(cli):
    cli("new", "--title", "VPN drops")  # no urgency keyword: triage leaves it at P2
    assert cli.json("assign", "T-1", "bo", as_=ADMIN)["assignee"] == "bo"
    assert cli.json("take", "T-1", "--steal", as_=ADMIN)["status"] == "in_progress"
    assert cli.json("reply", "T-1", "Restarting the gateway")["first_response_at"]
    assert cli.json("note", "T-1", "gateway logs show OOM")["version"] == 5
    assert cli.json("priority", "T-1", "P0", "--reason", "all remote staff")["priority"] == "P0"
    assert (
        cli.json("escalate", "T-1", "--reason", "r", "--progress", "p", "--help-needed", "h")[
            "escalation_level"
        ]
        == 1
    )
    assert cli.json("status", "T-1", "pending")["status"] == "pending"
    assert cli.json("status", "T-1", "resolved", "--reason", "more memory")["resolved_at"]
    assert cli.json("status", "T-1", "closed")["closed_at"]
    assert cli.json("reopen", "T-1")["reopen_count"] == 1
    kinds = [e["kind"] for e in cli.json("show", "T-1")["events"]]
    assert kinds == [
        "created",
        "assigned",
        "taken",
        "reply",
        "note",
        "priority",
        "escalated",
        "status",
        "status",
        "status",
        "reopened",
    ]
    code, out, _ = cli("list", "--mine", as_=ADMIN)
    assert code == 0 and "VPN drops" in out


def test_human_output_shows_the_conversation_apart_from_notes(cli):
    cli("new", "--title", "Mail bounce")
    cli("reply", "T-1", "Which address?")
    cli("note", "T-1", "probably SPF")
    code, out, _ = cli("show", "T-1")
    assert code == 0
    assert "reply" in out and "internal note" in out and "probably SPF" in out


USER_ERRORS = [
    (("show", "T-404"), 1, "no ticket T-404"),
    (("note", "T-404", "x"), 1, "no ticket T-404"),
    (("status", "T-1", "closed"), 1, "cannot move T-1 from new to closed"),
    (("status", "T-1", "done"), 2, "unknown status 'done'"),
    (("new", "--title", "x", "--priority", "P7"), 2, "bad priority 'P7'"),
    (("priority", "T-1", "urgent"), 2, "bad priority 'urgent'"),
    (("new", "--title", "   "), 2, "a ticket needs a title"),
    (("new", "--title", "x", "--channel", "pigeon"), 2, "bad channel 'pigeon'"),
    (("new", "--title", "x", "--category", "a/b/c/d"), 2, "at most 3"),
    (("reply", "T-1", "x", "--if-version", "0"), 1, "T-1 was changed by someone else"),
    (("assign", "T-1", "zed"), 1, "deskline agents add zed"),
    (
        ("escalate", "T-1", "--reason", "r", "--progress", " ", "--help-needed", "h"),
        2,
        "--progress",
    ),
    (("reopen", "T-1"), 1, "cannot reopen T-1"),
    (("agents", "add", "bo"), 1, "only an admin can add or remove agents"),
    (("agents", "add", "cy", "--role", "boss"), 2, "bad role 'boss'"),
]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    USER_ERRORS,
    ids=[" ".join(a[:2]) + f" ({m})" for a, _, m in USER_ERRORS],
)
def test_user_error_is_one_clear_line_and_changes_nothing(cli, db_url, args, code, message):
    cli("new", "--title", "existing")
    before = row_counts(db_url)
    got, out, err = cli(*args)
    assert got == code
    assert err.count("\n") == 1 and err.startswith("deskline: ") and message in err
    assert "Traceback" not in err and out == ""
    assert row_counts(db_url) == before


def test_unknown_acting_agent_names_the_command_that_adds_it(cli, db_url):
    cli("new", "--title", "existing")
    before = row_counts(db_url)
    code, out, err = cli("new", "--title", "y", as_="ghost")
    assert code == 1 and "deskline agents add ghost" in err and out == ""
    assert cli("list", as_="ghost")[0] == 1
    assert row_counts(db_url) == before


def test_unreachable_database_is_one_line(capsys, monkeypatch, tmp_path):
    for db in (
        str(tmp_path / "no" / "such" / "dir.db"),
        "postgresql+psycopg://postgres@127.0.0.1:1/nowhere",
    ):
        code, out, err = Cli(db, capsys, monkeypatch)("list")
        assert code == 1 and err.startswith("deskline: cannot open database")
        assert err.count("\n") == 1 and "Traceback" not in err


def test_the_first_user_of_an_empty_desk_becomes_its_admin(capsys, monkeypatch, tmp_path):
    run = Cli(str(tmp_path / "fresh.db"), capsys, monkeypatch)
    code, out, err = run("new", "--title", "first", as_="root")
    assert code == 0 and "added you (root) as its admin" in err
    assert run.json("agents", "list", as_="root")[0]["role"] == "admin"
    assert run("list", as_="someone-else")[0] == 1  # only the very first user is enrolled


def test_installed_console_script_runs(tmp_path, require):
    exe = shutil.which("deskline")
    require("the installed deskline command (pip install -e .)", exe is not None)
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DESKLINE_DB": str(tmp_path / "x.db"),
        "DESKLINE_AS": "root",
    }
    made = subprocess.run(
        [exe, "new", "--title", "from a script", "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(made.stdout)["key"] == "T-1"
    bad = subprocess.run([exe, "show", "T-2"], env=env, capture_output=True, text=True)
    assert (
        bad.returncode == 1
        and bad.stderr == "deskline: no ticket T-2: check the key with `deskline list`\n"
    )


def test_a_forbidden_take_is_one_line_exit_1_and_changes_nothing(cli, db_url):
    cli("new", "--title", "VPN drops")
    assert cli("assign", "T-1", "bo", as_=ADMIN)[0] == 0
    before = row_counts(db_url)
    code, out, err = cli("take", "T-1")  # ana, an agent of Service Desk
    assert (code, out) == (1, "")
    assert err == (
        "deskline: T-1 is held by bo; only a supervisor of Service Desk, a director or an "
        "admin can take it from them\n"
    )
    code, _, err = cli("take", "T-1", "--steal")
    assert code == 1 and "only a supervisor of Service Desk, a director or an admin can" in err
    assert row_counts(db_url) == before
    got = cli.json("take", "T-1", "--steal", as_=ADMIN)
    assert got["assignee"] == ADMIN
    taken = cli.json("show", "T-1")["events"][-1]
    assert (taken["kind"], taken["new"]["stolen_from"]) == ("taken", "bo")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("new", "--title", "x", "--vip"), "--vip needs --customer: a VIP is a customer"),
        (("new", "--title", " "), "a ticket needs a title: give --title with some words"),
        (
            ("status", "T-1", "resolved"),
            'resolving T-1 needs a solution note: add --reason "what fixed it"',
        ),
        (
            ("status", "T-2", "in_progress"),
            "T-2 has no assignee: `deskline assign T-2 HANDLE` or `deskline take T-2` first",
        ),
        (
            ("escalate", "T-1", "--reason", " ", "--progress", "x", "--help-needed", "y"),
            "--reason (why escalate) is empty: write something",
        ),
        (
            ("edit", "T-1", "--customer", "Nobody"),
            "no customer 'Nobody': see `deskline customers list`",
        ),
        (("show", "T-9"), "no ticket T-9: check the key with `deskline list`"),
    ],
)
def test_refusals_name_the_options_and_commands_to_use(cli, args, message):
    cli("new", "--title", "Printer jam")
    cli("take", "T-1")
    cli("new", "--title", "Unassigned")
    code, _, err = cli(*args)
    assert code in (1, 2) and err == f"deskline: {message}\n"
