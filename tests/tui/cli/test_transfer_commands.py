"""``deskline import`` and ``deskline export`` as a person runs them: one line for bad input,
no change to the data, quiet in a pipe."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from in_process import Cli, plain_desk, row_counts
from processes import deskline

SAMPLES = Path(__file__).resolve().parents[2] / "core" / "transfer" / "samples"


@pytest.fixture
def cli(db_url, capsys, monkeypatch) -> Cli:
    return plain_desk(db_url, capsys, monkeypatch)


def test_import_a_zendesk_export_then_export_it_again(cli, tmp_path):
    code, out, err = cli(
        "import", str(SAMPLES / "zendesk.csv"), "--format", "zendesk",
        "--comments", str(SAMPLES / "comments.csv"), as_="ada",
    )  # fmt: skip
    assert code == 0, err
    assert "imported 5 tickets and 4 comments from zendesk.csv" in out
    assert "deskline: column Priority: 1 record" in err  # warnings: one line per column
    shown = cli.json("show", "T-1")
    assert shown["status"] == "resolved" and shown["assignee"] == "ana"
    assert [e["reason"] for e in shown["events"]][0] == "imported from zendesk.csv"
    code, out, err = cli("export", "--all", as_="ada")
    assert code == 0, err
    exported = list(csv.DictReader(io.StringIO(out)))
    assert [r["external_id"] for r in exported] == ["3501", "3502", "3503", "3504", "3505"]
    again = cli.json(
        "import", str(SAMPLES / "zendesk.csv"), "--format", "zendesk",
        "--comments", str(SAMPLES / "comments.csv"), as_="ada",
    )  # fmt: skip
    assert again["already_done"] is True and again["created"] == 5
    alone = cli.json("import", str(SAMPLES / "zendesk.csv"), "--format", "zendesk", as_="ada")
    assert (alone["already_done"], alone["created"], alone["existing"]) == (False, 0, 5)


def test_a_bad_file_is_one_line_and_changes_nothing(cli, db_url, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("external_id,subject,created_at\n1,Fine,2026-11-01\n2,,2026-11-01\n")
    before = row_counts(db_url)
    code, out, err = cli("import", str(bad), as_="ada")
    assert code != 0 and out == ""
    assert err.count("\n") == 1 and err.startswith("deskline: bad.csv: 1 bad record")
    assert "line 3: no subject" in err and "--skip-bad" in err
    assert row_counts(db_url) == before
    for args, says in (
        ((str(tmp_path / "none.csv"),), "does not exist"),
        ((str(tmp_path),), "is not a regular file"),
        ((str(bad), "--format", "excel"), "--format excel: use one of"),
        ((str(bad), "--map", "nope"), "write it as COLUMN=FIELD"),
        ((str(bad), "--map", "Ticket=ticket_no"), "no field 'ticket_no'"),
    ):
        code, _, err = cli("import", *args, as_="ada")
        assert code != 0 and err.startswith("deskline: ") and says in err, err
        assert "Traceback" not in err and err.count("\n") == 1
    assert row_counts(db_url) == before
    code, out, err = cli("import", str(bad), "--skip-bad", as_="ada")
    assert code == 0 and "1 bad records skipped: written to" in out
    assert (tmp_path / "bad.rejects.csv").exists()


def test_map_reads_another_spreadsheets_columns(cli, tmp_path):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("Ticket,Title,Opened\nA-1,Printer jam,2026-11-01 10:00\n")
    got = cli.json(
        "import", str(sheet), "--map", "Ticket=external_id", "--map", "Opened=created_at",
        "--map", "Title=subject", as_="ada",
    )  # fmt: skip
    assert got["created"] == 1 and got["warnings"] == []


def test_an_agent_may_not_import_nor_export(cli, db_url):
    before = row_counts(db_url)
    code, _, err = cli("import", str(SAMPLES / "freshdesk.csv"), "--format", "freshdesk")
    assert code != 0 and "only an admin can import tickets" in err
    code, _, err = cli("export")
    assert code != 0 and "only a director or an admin can export" in err
    code, _, err = cli("export", "--format", "xlsx", as_="ada")
    assert code != 0 and "needs --out FILE" in err
    code, _, err = cli("export", "--since", "last week", as_="ada")
    assert code != 0 and "--since last week: use a date" in err
    assert row_counts(db_url) == before


def test_in_a_pipe_there_is_no_progress_bar(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    import os

    env["PYTHONPATH"] = os.environ.get("PYTHONPATH", "")
    db = str(tmp_path / "piped.db")
    done = deskline(env, "--db", db, "--as", "ada", "import", str(SAMPLES / "freshdesk.csv"),
                    "--format", "freshdesk", "--json")  # fmt: skip
    assert json.loads(done.stdout)["created"] == 4
    assert "\r" not in done.stderr and "━" not in done.stderr
    out = tmp_path / "all.xlsx"
    deskline(
        env, "--db", db, "--as", "ada", "export", "--all", "--format", "xlsx", "--out", str(out)
    )
    from openpyxl import load_workbook

    sheet = load_workbook(out, read_only=True).worksheets[0]
    assert sum(1 for _ in sheet.iter_rows()) == 5  # the header and four tickets


def test_an_imports_column_warnings_are_said_in_the_language_and_kept_english_in_json(cli):
    args = ("import", str(SAMPLES / "zendesk.csv"), "--format", "zendesk", "--dry-run")
    code, out, err = cli("--lang", "zh_CN", *args, as_="ada")
    assert code == 0, err
    said = [line for line in err.splitlines() if "Priority" in line]
    assert said and "1 条记录含有无法识别的值" in said[0] and "column" not in said[0]
    code, out, err = cli("--lang", "zh_CN", *args, "--json", as_="ada")
    assert code == 0, err
    [kept] = [w for w in json.loads(out)["warnings"] if "Priority" in w]
    assert kept.startswith("column Priority: 1 record with values it does not know")
