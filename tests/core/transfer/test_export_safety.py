"""``deskline export`` with hostile customer text, on real SQLite files and PostgreSQL: a
cell a spreadsheet would run is guarded by a ``'`` (and the import takes it off), a file
keeps the text exact, a terminal never gets raw escape codes."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from deskline.core.desk.tickets import Desk
from deskline.core.roster.agents import Roster
from deskline.core.transfer import presets
from deskline.core.transfer.cells import guarded, unguarded, xlsx_read, xlsx_text
from deskline.core.transfer.export import export
from deskline.core.transfer.load import Importer, Options
from deskline.storage.store import Store

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
LINK = '=HYPERLINK("http://evil.example","click")'
TITLES = [
    LINK,
    "+1 555 0100 calls back",
    "-5 degrees in the server room",
    "@here the VPN is down",
    "'=already quoted",
    "''+twice",
    "Evil \x1b[31mRED\x1b[0m and \u202eevil\u202c order",
    "DEL\x7f C1\x85 zero\u200bwidth",
    "tab\tinside and a literal _x001B_ escape",
    "it's fine",
]
DESCRIPTIONS = ["\tstarts with a tab", "\rstarts with a CR", "- a list\n- of items", "=1+2"]


def enrol(store: Store) -> Desk:
    Roster(store).add("ada", name="Ada Admin", role="admin", team="Service Desk")
    return Desk(store, "ada", now=lambda: NOW)


def hostile_desk(desk: Desk, tmp_path: Path, comments: Path | None = None) -> None:
    """The hostile titles brought in from JSON lines (which hold any text exactly)."""
    source = tmp_path / "hostile.jsonl"
    with source.open("w", encoding="utf-8") as f:
        for i, title in enumerate(TITLES, start=1):
            record = {
                "external_id": f"ZD-{i}",
                "subject": title,
                "description": f"x{DESCRIPTIONS[i % len(DESCRIPTIONS)]}",
                "requester_email": f"c{i}@example.com",
                "status": "new",
                "priority": "P2",
                "created_at": "2026-12-01T09:00:00Z",
            }
            f.write(json.dumps(record) + "\n")
    run(desk, source, comments)


def run(desk: Desk, path: Path, comments: Path | None = None) -> object:
    from deskline.core.transfer.sources import kind_of

    options = Options(path, kind_of(path, None), presets.DESKLINE, comments)
    return Importer(desk, options, now=lambda: NOW).run()


def picture(desk: Desk) -> list[tuple]:
    seen = []
    for number in range(1, len(TITLES) + 1):
        t = desk.get(f"T-{number}")
        comments = tuple((c.kind, c.body) for c in t.comments)
        seen.append((t.external_id, t.title, t.description, t.status, comments))
    return sorted(seen)


def test_a_cell_a_spreadsheet_would_run_is_guarded_and_read_back_exact():
    for text in ("=1", "+1", "-1", "@a", "\tx", "\rx", "'=x", "''-x"):
        assert guarded(text) == "'" + text
        assert unguarded(guarded(text)) == text
    for text in ("plain", "'quoted", "it's", "", "1-2", "'", "T-1"):
        assert guarded(text) == text
        assert unguarded(text) == text
    for text in ("a\x1bb", "_x001B_", "\r\n", "_x005F_x0041_", "ok"):
        assert xlsx_read(xlsx_text(text)) == text
    assert xlsx_text("a\x1bb") == "a_x001B_b"


def test_a_csv_export_guards_formulas_and_keeps_the_text_exact(store, tmp_path):
    desk = enrol(store)
    hostile_desk(desk, tmp_path)
    out = io.StringIO()
    export(desk, out, kind="csv", every=True)
    text = out.getvalue()
    rows = {r["external_id"]: r for r in csv.DictReader(io.StringIO(text))}
    assert rows["ZD-1"]["subject"] == "'" + LINK
    assert rows["ZD-2"]["subject"].startswith("'+1")
    assert rows["ZD-3"]["subject"].startswith("'-5")
    assert rows["ZD-4"]["subject"].startswith("'@here")
    assert rows["ZD-5"]["subject"] == "''=already quoted"
    assert rows["ZD-10"]["subject"] == "it's fine"
    assert rows["ZD-7"]["subject"] == TITLES[6]  # a file (not a terminal): exact
    spreadsheet_runs = ("=", "+", "-", "@", "\t", "\r")
    for row in rows.values():
        assert not any(v.startswith(spreadsheet_runs) for v in row.values()), row


def test_an_xlsx_export_holds_no_formula_and_every_character(store, tmp_path):
    desk = enrol(store)
    hostile_desk(desk, tmp_path)
    out = tmp_path / "all.xlsx"
    export(desk, out, kind="xlsx", every=True)  # an ESC made openpyxl refuse the whole file
    book = load_workbook(out, read_only=True)  # not data_only: a formula would show as one
    cells = [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row]
    book.close()
    assert "'" + LINK in cells
    assert not any(isinstance(c, str) and c.startswith(("=", "+", "-", "@")) for c in cells)


@pytest.mark.parametrize("kind", ["csv", "xlsx", "jsonl"])
def test_hostile_text_round_trips_import_export_import_exact(store, tmp_path, kind):
    desk = enrol(store)
    talk_in = tmp_path / "talk.csv"
    with talk_in.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(presets.COMMENT_FIELDS)
        w.writerow(["ZD-1", "ada", "true", "2026-12-01T10:00:00Z", "'=SUM(A1:A9) in a reply"])
        w.writerow(["ZD-2", "ada", "false", "2026-12-01T10:05:00Z", "@ana \x1b]0;pwned\x07"])
    hostile_desk(desk, tmp_path, talk_in)
    out, talk = tmp_path / f"all.{kind}", tmp_path / f"talk.{kind}"
    export(desk, out, kind=kind, every=True, comments=talk)
    other = Store.open(f"sqlite:///{tmp_path / 'empty.db'}")
    again = enrol(other)
    run(again, out, talk)
    assert picture(again) == picture(desk)
    assert desk.get("T-1").comments[0].body == "=SUM(A1:A9) in a reply"  # the ' undone once
    other.close()


def terminal_export(desk: Desk, kind: str) -> str:
    """What the export writes to a real terminal (a pty)."""
    leader, follower = pty.openpty()
    with os.fdopen(follower, "w", encoding="utf-8", closefd=True) as tty:
        assert tty.isatty()
        export(desk, tty, kind=kind, every=True)
    seen = b""
    os.set_blocking(leader, False)
    while True:
        try:
            block = os.read(leader, 1 << 16)
        except (BlockingIOError, OSError):
            break
        if not block:
            break
        seen += block
    os.close(leader)
    return seen.decode("utf-8", "replace")


@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_an_export_to_a_terminal_writes_no_raw_escape_codes(store, tmp_path, kind):
    desk = enrol(store)
    hostile_desk(desk, tmp_path)
    seen = terminal_export(desk, kind)
    assert "ZD-7" in seen
    for raw in ("\x1b", "\u202e", "\u202c", "\x7f", "\x85", "\u200b"):
        assert raw not in seen, repr(raw)
    assert ("\\x1b[31mRED" if kind == "csv" else "\\u001b[31mRED") in seen


def test_a_jsonl_file_is_exact_and_inert(store, tmp_path):
    desk = enrol(store)
    hostile_desk(desk, tmp_path)
    out = tmp_path / "all.jsonl"
    export(desk, out, kind="jsonl", every=True)
    text = out.read_text(encoding="utf-8")
    assert "\u202e" not in text and "\x1b" not in text and "\x7f" not in text
    titles = {json.loads(line)["subject"] for line in text.splitlines()}
    assert titles == {desk.get(f"T-{n}").title for n in range(1, len(TITLES) + 1)}
    assert "Evil \x1b[31mRED\x1b[0m and \u202eevil\u202c order" in titles
