"""``deskline show`` and ``list`` as a person reads them: every line of a comment under its
heading, statuses and clock states in words (English and zh_CN; JSON keeps the stored
values), the history's times in local time, and an imported ticket's external id."""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest
from in_process import ADMIN, Cli, plain_desk

from deskline.core.language import speaking, use
from deskline.core.sla.clocks import ClockState
from deskline.tui.times import local


@pytest.fixture(autouse=True)
def _english_after():
    """A run with --lang chooses the process's language: English again after."""
    yield
    use("en")


@pytest.fixture
def cli(db_url, capsys, monkeypatch) -> Cli:
    made = plain_desk(db_url, capsys, monkeypatch)
    assert made("new", "--title", "VPN down", "--customer", "Northwind")[0] == 0
    assert made("take", "T-1")[0] == 0
    assert made("reply", "T-1", "Looking at it now.")[0] == 0
    return made


def test_every_line_of_a_comment_is_indented_under_its_heading(cli):
    body = "line one\nline two\n\nline four \x1b[2J after"
    assert cli("note", "T-1", body)[0] == 0
    code, out, err = cli("show", "T-1")
    assert code == 0, err
    assert "· internal note\n  line one\n  line two\n\n  line four \\x1b[2J after\n" in out
    assert "\x1b" not in out


def test_list_and_show_say_statuses_and_clock_states_in_words(cli):
    code, listed, _ = cli("list")
    assert code == 0 and "in progress" in listed and "in_progress" not in listed
    code, shown, _ = cli("show", "T-1")
    assert re.search(r"^status +in progress", shown, re.M)
    assert "✓ met, due" in shown and "in_progress" not in shown
    code, listed, _ = cli("--lang", "zh_CN", "list")
    assert code == 0 and "处理中" in listed and "in_progress" not in listed
    code, shown, _ = cli("--lang", "zh_CN", "show", "T-1")
    assert "处理中" in shown and "已达标" in shown and "in_progress" not in shown
    assert cli.json("--lang", "zh_CN", "show", "T-1")["status"] == "in_progress"  # stored
    code, out, _ = cli("--lang", "zh_CN", "list", "--json")
    assert json.loads(out)[0]["status"] == "in_progress"


def test_every_clock_state_is_said_in_words():
    from deskline.tui.cli.render import state_word

    assert state_word("at_risk") == "at risk"
    assert all("_" not in state_word(state.value) for state in ClockState)
    with speaking("zh_CN"):
        assert state_word("at_risk") == "即将超时"


def test_the_history_says_times_in_local_time(cli):
    code, shown, _ = cli("show", "T-1")
    first = datetime.fromisoformat(cli.json("show", "T-1")["first_response_at"])
    assert f"first_response_at: — → {local(first)}" in shown
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", shown)  # no raw ISO time anywhere


def test_an_imported_ticket_says_its_external_id(cli, tmp_path):
    source = tmp_path / "zd.jsonl"
    record = {
        "external_id": "ZD-1\x1b[31m",
        "subject": "Imported one",
        "status": "new",
        "priority": "P2",
        "created_at": "2026-12-01T09:00:00Z",
    }
    source.write_text(json.dumps(record) + "\n", encoding="utf-8")
    code, _, err = cli("import", str(source), as_=ADMIN)
    assert code == 0, err
    assert cli.json("show", "T-2")["external_id"] == "ZD-1\x1b[31m"
    code, shown, _ = cli("show", "T-2")
    assert re.search(r"^imported as +ZD-1\\x1b\[31m", shown, re.M) and "\x1b" not in shown
    assert cli.json("show", "T-1")["external_id"] is None
    assert "imported as" not in cli("show", "T-1")[1]
