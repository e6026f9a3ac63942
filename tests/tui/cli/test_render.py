"""Tables of the command line: a pipe gets every row whole (no 80-column cut), a terminal gets
them fitted, and no column ever disappears."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

HANDLE = "alexandra.konstantinopoulou"
TITLE = "Invoices from the Shenzhen branch arrive twice and the second copy has the wrong VAT"
CUSTOMER = "Northwind Traders International"


def deskline(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "deskline", *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TTY_COMPATIBLE", "FORCE_COLOR")}
    env.update(DESKLINE_DB=str(tmp_path / "d.db"), DESKLINE_AS="root", COLUMNS="80", TZ="UTC")
    # root's first command makes them the desk's admin
    deskline(env, "agents", "add", HANDLE, "--name", "Alexandra Konstantinopoulou-Smythe")
    deskline(env, "new", "--title", TITLE, "--customer", CUSTOMER, "-p", "P1")
    deskline(env, "assign", "T-1", HANDLE)
    return env


def test_piped_list_keeps_every_column_and_cell_whole(env):
    out = deskline(env, "list").stdout
    header, row = out.splitlines()
    assert header.split() == ["SLA", "KEY", "PRI", "STATUS", "ASSIGNEE", "CUSTOMER", "TITLE"]
    for cell in ("T-1", "P1", "assigned", HANDLE, CUSTOMER, TITLE):
        assert cell in row
    assert len(row.rstrip()) > 80  # the check can fail: 80 columns would have cut it


def test_piped_agents_list_keeps_handles_and_names_whole(env):
    out = deskline(env, "agents", "list").stdout
    assert out.splitlines()[0].split() == [
        "HANDLE",
        "NAME",
        "ROLE",
        "TEAM",
        "SKILLS",
        "ON",
        "DUTY",
        "OPEN",
        "CAP",
    ]
    [line] = [line for line in out.splitlines() if HANDLE in line]
    assert "Alexandra Konstantinopoulou-Smythe" in line and line.split()[0] == HANDLE


@pytest.mark.parametrize("columns", [100, 60, 30])
def test_a_narrow_terminal_cuts_the_title_but_never_a_column(env, columns):
    out = deskline(
        {**env, "TTY_COMPATIBLE": "1", "NO_COLOR": "1", "COLUMNS": str(columns)}, "list"
    ).stdout
    out = re.sub(r"\x1b\[[0-9;]*m", "", out)  # bold headers, even without colour
    header, row = out.splitlines()[:2]
    assert header.split()[:5] == ["SLA", "KEY", "PRI", "STATUS", "ASSIGNEE"]
    for cell in ("T-1", "P1", "assigned", HANDLE):
        assert cell in row
    assert TITLE not in out and "…" in out  # the title gave way
    if columns >= 100:
        assert max(len(line) for line in out.splitlines()) <= columns


def on_a_terminal(env: dict[str, str], columns: int, *args: str) -> list[str]:
    out = deskline(
        {**env, "TTY_COMPATIBLE": "1", "NO_COLOR": "1", "COLUMNS": str(columns)}, *args
    ).stdout
    return re.sub(r"\x1b\[[0-9;]*m", "", out).splitlines()


def test_agents_list_fits_an_80_column_terminal_with_handles_whole(env):
    """Names, teams and skills wrap inside their columns; before, the table ran past the
    terminal's edge and every row wrapped round into the next line."""
    lines = on_a_terminal(env, 80, "agents", "list")
    assert max(len(line.rstrip()) for line in lines) <= 80
    assert any(line.startswith(HANDLE + " ") for line in lines)
    assert lines[0].split()[:2] == ["HANDLE", "NAME"]


def test_a_terminal_too_narrow_for_the_customer_shows_the_title_instead(env):
    deskline(env, "assign", "T-1", "root")  # a short handle leaves room for the title
    lines = on_a_terminal(env, 52, "list")
    assert lines[0].split() == ["SLA", "KEY", "PRI", "STATUS", "ASSIGNEE", "TITLE"]
    assert max(len(line.rstrip()) for line in lines) <= 52
    assert len(lines) == 2 and lines[1].split()[-1].endswith("…")
