"""``deskline kb`` as a desk uses it: three alike printer tickets resolved ask for an article,
one is drafted from a resolved ticket (its problem and solution), its author polishes it, a
supervisor publishes it, and search and ``kb for`` find it, in English and Chinese. Who may
do what is the core's; a refused or bad command changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from in_process import ADMIN, Cli, plain_desk, row_counts
from sqlalchemy import text

from deskline.storage.store import Store

PRINTER = [
    ("Printer on floor 3 jams paper", "It jams on every page since Monday"),
    ("Paper jams in the floor 3 printer again", "Jams after two pages"),
    ("Floor 3 printer jams paper", "Paper jam light on"),
]


@pytest.fixture
def cli(db_url, capsys, monkeypatch) -> Cli:
    cli = plain_desk(db_url, capsys, monkeypatch)
    cli.json("agents", "add", "sue", "--name", "Sue", "--role", "supervisor", as_=ADMIN)
    return cli


def _solved(cli: Cli, title: str, description: str, solution: str) -> str:
    key = cli.json(
        "new", "--title", title, "--description", description, "--category", "Hardware/Printer"
    )["key"]
    cli.json("take", key)
    cli.json("status", key, "resolved", "--reason", solution)
    return key


def _events(db: str) -> list[str]:
    store = Store.open(db)
    with store.read() as s:
        kinds = s.execute(text("SELECT kind FROM event WHERE kind LIKE 'kb_%' ORDER BY id"))
        found = [k for (k,) in kinds]
    store.close()
    return found


def test_alike_resolutions_become_an_article_found_by_search(cli, db_url):
    keys = [_solved(cli, t, d, "Replaced the worn pickup roller") for t, d in PRINTER[:2]]
    assert cli.json("kb", "suggest") == []  # two are not enough
    keys.append(_solved(cli, *PRINTER[2], "Replaced the worn pickup roller"))
    cli.json("new", "--title", "Monitor flickers", "--category", "Hardware/Printer")
    [wanted] = cli.json("kb", "suggest")
    assert wanted["tickets"] == keys and wanted["category"] == "Hardware/Printer"
    assert "jams" in wanted["about"]

    draft = cli.json("kb", "draft", keys[0])
    assert (draft["key"], draft["status"], draft["source"], draft["author"]) == (
        "KB-1", "draft", keys[0], "ana"
    )  # fmt: skip
    assert "It jams on every page" in draft["body"] and "pickup roller" in draft["body"]
    assert draft["category"] == "Hardware/Printer"
    assert cli.json("kb", "suggest") == []  # the draft covers them
    assert cli.json("kb", "list") == []  # not published yet
    assert [a["key"] for a in cli.json("kb", "list", "--drafts")] == ["KB-1"]

    code, _, err = cli("kb", "edit", "KB-1", "--title", "Mine now", as_="bo")
    assert code == 1 and "only its author" in err
    polished = cli.json("kb", "edit", "KB-1", "--title", "Printer jams: replace the roller")
    assert polished["title"] == "Printer jams: replace the roller"
    code, _, err = cli("kb", "publish", "KB-1")
    assert code == 1 and "only a supervisor" in err
    assert cli.json("kb", "publish", "KB-1", as_="sue")["status"] == "published"
    code, _, err = cli("kb", "edit", "KB-1", "--title", "again")
    assert code == 1 and "published article is changed by a supervisor" in err

    [hit] = cli.json("kb", "search", "paper jam in the printer")
    assert hit["key"] == "KB-1" and hit["score"] > 0
    fresh = cli.json("new", "--title", "printer jams again on floor 3")["key"]
    assert [a["key"] for a in cli.json("kb", "for", fresh)] == ["KB-1"]
    code, out, _ = cli("kb", "show", "KB-1")
    assert code == 0 and "Solution" in out and "pickup roller" in out
    assert _events(db_url) == ["kb_drafted", "kb_edited", "kb_published"]


def test_chinese_articles_are_found_by_chinese_words(cli, tmp_path: Path):
    body = tmp_path / "body.txt"
    body.write_text("账号被锁定后，在管理后台解锁，再请用户重置密码。", encoding="utf-8")
    made = cli.json(
        "kb", "add", "--title", "账号被锁定，登录不了", "--body-file", str(body),
        "--category", "Account/Login/Locked", "--tag", "account",
    )  # fmt: skip
    cli.json("kb", "add", "--title", "VPN drops", "--body", "Update the VPN client")
    assert cli.json("kb", "search", "账号 锁定") == []  # drafts are not searched by default
    [hit] = cli.json("kb", "search", "登录不了 账号锁定", "--drafts")
    assert hit["key"] == made["key"]
    code, out, _ = cli("kb", "search", "打印机")
    assert code == 0 and out == ""


def test_drafting_needs_a_resolved_ticket_and_bad_input_changes_nothing(cli, db_url, tmp_path):
    cli.json("new", "--title", "Still broken")
    before = row_counts(db_url)
    code, _, err = cli("kb", "draft", "T-1")
    assert code == 1 and "is new: an article is drafted from a resolved ticket" in err
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe not utf-8")
    for args, said in [
        (("kb", "show", "X-1"), "bad article key"),
        (("kb", "show", "KB-7"), "no article KB-7"),
        (("kb", "add", "--title", " ", "--body", "x"), "needs a title"),
        (("kb", "add", "--title", "t"), "needs its text"),
        (("kb", "add", "--title", "t", "--body-file", str(bad)), "not UTF-8"),
        (("kb", "add", "--title", "t", "--body", "x", "--category", "a//b"), "bad category"),
        (("kb", "draft", "T-99"), "no ticket T-99"),
        (("kb", "search", "  "), "the search is empty"),
    ]:
        code, out, err = cli(*args)
        assert code in (1, 2) and said in err, (args, err)
        assert len(err.strip().splitlines()) == 1 and out == ""
    assert row_counts(db_url) == before


def test_the_watcher_tells_supervisors_once_of_an_article_worth_writing(cli, db_url):
    from deskline.core.kb.tell import daily, tell_suggestions

    keys = [_solved(cli, t, d, "Replaced the worn pickup roller") for t, d in PRINTER]
    store = Store.open(db_url)
    try:
        assert tell_suggestions(store) == 1
        assert tell_suggestions(store) == 0  # once per group
        [told] = [a for a in cli.json("alerts", as_="sue") if "kb draft" in a["summary"]]
        assert keys[-1] in told["summary"] and "3 alike tickets" in told["summary"]
        assert not [a for a in cli.json("alerts", as_="ana") if "kb draft" in a["summary"]]
        errors: list[Exception] = []
        calls: list[object] = []

        def failing(store: Store, now: object) -> int:
            calls.append(now)
            raise RuntimeError("no suggestions today")

        job = daily(store, errors.append, failing)  # fails, is said, waits its day
        job()
        job()
        assert len(calls) == 1 and [str(e) for e in errors] == ["no suggestions today"]
    finally:
        store.close()
