"""``deskline edit``, ``search`` and ``views`` as scripts and people use them: JSON, a
customer's text made inert, and one-line errors that change nothing."""

from __future__ import annotations

import pytest
from in_process import ADMIN, Cli, plain_desk, row_counts


@pytest.fixture
def cli(db_url, capsys, monkeypatch) -> Cli:
    made = plain_desk(db_url, capsys, monkeypatch)
    sue = (
        "agents",
        "add",
        "sue",
        "--name",
        "Sue",
        "--role",
        "supervisor",
        "--team",
        "Service Desk",
    )
    assert made(*sue, as_=ADMIN)[0] == 0
    made("new", "--title", "打印机卡纸 printer jams", "--customer", "Northwind")
    made("new", "--title", "VPN down", "--description", "since the update", "--tag", "vpn")
    made("note", "T-2", "asked about 退款 too")
    return made


def test_edit_changes_fields_and_says_what(cli):
    code, out, err = cli("edit", "T-2", "--title", "VPN down again", "--tag", "+urgent")
    assert code == 0, err
    assert out == "T-2: edited title, tags\n"
    shown = cli.json("show", "T-2")
    assert shown["title"] == "VPN down again" and shown["tags"] == ["vpn", "urgent"]
    assert shown["events"][-1]["kind"] == "edited"
    assert cli.json("edit", "T-2", "--customer", "Northwind")["customer"] == "Northwind"


def test_search_finds_comments_chinese_and_filters(cli):
    assert [t["key"] for t in cli.json("search", "退款")] == ["T-2"]
    assert [t["key"] for t in cli.json("search", "卡纸 customer:north")] == ["T-1"]
    assert [t["key"] for t in cli.json("search", "tag:vpn")] == ["T-2"]
    assert cli.json("search", "nothing-like-this") == []
    code, out, _ = cli("search", "printer")
    assert code == 0 and "T-1" in out and "T-2" not in out


def test_views_save_list_delete(cli):
    assert cli.json("views", "save", "vpn", "tag:vpn", "--sort", "newest")["sort"] == "newest"
    shared = cli.json("views", "save", "team vpn", "vpn is:open", "--shared", as_="sue")
    assert shared["shared_with"] == "Service Desk" and shared["sort"] == "relevance"
    listed = cli.json("views", "list")  # mine first, then my team's
    assert [(v["name"], v["owner"]) for v in listed] == [("vpn", "ana"), ("team vpn", "sue")]
    assert cli.json("views", "list", as_="bo") == []  # bo has no team: not shared with him
    code, _, err = cli("views", "delete", "team vpn")
    assert code == 1 and "the view is sue's" in err
    code, out, err = cli("views", "delete", "vpn")
    assert (code, out) == (0, "deleted view vpn\n"), err
    assert [v["name"] for v in cli.json("views", "list")] == ["team vpn"]


def test_hostile_text_is_shown_inert(cli):
    cli("new", "--title", "evil \x1b[2J\x1b]0;pwned\x07 title")
    code, out, _ = cli("search", "evil")
    assert code == 0 and "\x1b" not in out and "\x07" not in out


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("edit", "T-2", "--title", "  "), 2, "needs a title"),
        (("edit", "T-2", "--category", "No/Such"), 1, "no category 'No/Such'"),
        (("edit", "T-2", "--customer", "Nobody"), 1, "no customer 'Nobody'"),
        (("edit", "T-2", "--channel", "pigeon"), 2, "bad channel"),
        (("edit", "T-2"), 2, "nothing to edit"),
        (("edit", "T-9", "--title", "x"), 1, "no ticket T-9"),
        (("search", "status:bogus"), 2, "unknown status"),
        (("search", "x", "--sort", "sideways"), 2, "bad sort"),
        (("views", "save", "v", "priority:P7"), 2, "bad priority"),
        (("views", "save", "", "vpn"), 2, "needs a name"),
        (("views", "delete", "none-such"), 1, "no view 'none-such'"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(cli, db_url, args, code, message):
    before = row_counts(db_url)
    got, out, err = cli(*args)
    assert got == code, err
    assert err.count("\n") == 1 and err.startswith("deskline: ") and message in err
    assert "Traceback" not in err and out == ""
    assert row_counts(db_url) == before


def test_an_agent_may_not_share_a_view(cli, db_url):
    before = row_counts(db_url)
    code, _, err = cli("views", "save", "mine", "vpn", "--shared")
    assert code == 1 and "only a supervisor, director or admin can share" in err
    assert row_counts(db_url) == before


def test_saving_over_a_view_is_refused_unless_replace_which_keeps_its_sort(cli, db_url):
    assert cli.json("views", "save", "refunds", "退款", "--sort", "newest")["sort"] == "newest"
    before, listed = row_counts(db_url), cli.json("views", "list")
    code, out, err = cli("views", "save", "refunds", "x")
    assert (code, out) == (2, "")
    assert err == "deskline: a view 'refunds' exists: give --replace to overwrite it\n"
    assert row_counts(db_url) == before and cli.json("views", "list") == listed
    replaced = cli.json("views", "save", "refunds", "x", "--replace")
    assert (replaced["query"], replaced["sort"]) == ("x", "newest")  # its sort kept
    again = cli.json("views", "save", "refunds", "y", "--replace", "--sort", "oldest")
    assert (again["query"], again["sort"]) == ("y", "oldest")
    assert [v["name"] for v in cli.json("views", "list")] == ["refunds"]
