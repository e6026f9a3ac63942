"""Hostile text through the command line: in a pipe and in a real terminal (tmux), no escape
sequence, bidi control or zero-width character is written, and Rich markup prints as text."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import uuid

import pytest
from conftest import need_tool, poll
from hostile import CORPUS, leaks
from processes import deskline


@pytest.fixture
def hostile_desk(db_url, tmp_path) -> dict[str, str]:
    """A desk whose every ticket title, customer, description, comment, agent name and team
    comes from the corpus; the env to run deskline on it (as ana, its admin)."""
    env = dict(os.environ, DESKLINE_DB=db_url, DESKLINE_AS="ana", TZ="UTC", NO_COLOR="1")
    for i, text in enumerate(CORPUS.values()):
        made = deskline(env, "new", "-t", text, "--customer", text, "-d", text, "-p", "P1")
        assert not leaks(made.stdout), made.stdout  # the `new` confirmation
        assert text not in made.stdout or text.isprintable()
        deskline(env, "agents", "add", f"h{i}", "--name", text, "--team", text, "--skill", text)
        deskline(env, "reply", f"T-{i + 1}", text)
        deskline(env, "note", f"T-{i + 1}", text)
    return env


OUTPUTS = [
    ("list",),
    ("list", "--all"),
    *[("show", f"T-{i + 1}") for i in range(len(CORPUS))],
    ("agents", "list"),
    ("customers", "list"),
    ("dashboard", "--once"),
]


def test_no_command_writes_an_escape_into_a_pipe_and_markup_prints_as_text(hostile_desk):
    for args in OUTPUTS:
        done = deskline(hostile_desk, *args, check=args[0] != "dashboard")
        assert done.returncode in (0, 2), done.stderr  # --once: 2 when something is breached
        assert not leaks(done.stdout), (args, done.stdout)
        assert not leaks(done.stderr), (args, done.stderr)
    shown = deskline(hostile_desk, "show", "T-9").stdout
    # title, customer, description and the two comments
    assert shown.count("[link=file:///etc/passwd]x[/] link markup") == 5
    assert "\\x1b[2J\\x1b[H clear" in deskline(hostile_desk, "show", "T-1").stdout
    assert "invoice \\u202egpj.exe" in deskline(hostile_desk, "show", "T-7").stdout
    listed = deskline(hostile_desk, "list").stdout
    assert "[@click=app.quit]x[/] action" in listed and "[bold red]x markup" in listed
    agents = deskline(hostile_desk, "agents", "list").stdout
    assert "\\x1b]0;pwned\\x07 title" in agents
    for i, text in enumerate(CORPUS.values()):
        got = json.loads(deskline(hostile_desk, "show", f"T-{i + 1}", "--json").stdout)
        assert (got["title"], got["customer"], got["description"]) == (text, text, text)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_real_terminal_keeps_its_title_and_shows_no_link(hostile_desk, tmp_path):
    tmux = need_tool("tmux")
    socket = f"deskline-hostile-{uuid.uuid4().hex[:8]}"

    def run(*args: str) -> str:
        return subprocess.run([tmux, "-L", socket, *args], capture_output=True, text=True).stdout

    env = " ".join(
        f"{k}={shlex.quote(v)}"
        for k, v in hostile_desk.items()
        if k
        in ("DESKLINE_DB", "DESKLINE_AS", "TZ", "PYTHONPATH", "XDG_DATA_HOME", "XDG_CONFIG_HOME")
    )
    try:
        run("new-session", "-d", "-s", "h", "-x", "160", "-y", "50", "sh")
        run("set-option", "-t", "h", "allow-rename", "on")
        run("set-option", "-t", "h", "set-clipboard", "on")
        before = run("display", "-p", "-t", "h", "#{pane_title}")
        commands = "; ".join(
            f"{env} {sys.executable} -m deskline {' '.join(args)}"
            for args in [("list",), ("show", "T-2"), ("show", "T-3"), ("agents", "list")]
        )
        run("send-keys", "-t", "h", f"clear; {commands}; echo DONE-$((6*7))", "Enter")
        screen = poll(
            lambda: (
                (s := run("capture-pane", "-e", "-p", "-J", "-S", "-", "-t", "h"))
                and "DONE-42" in s
                and s
            )
        )
        assert screen, run("capture-pane", "-p", "-t", "h")
        assert "pwned" not in run("display", "-p", "-t", "h", "#{pane_title}")
        assert run("display", "-p", "-t", "h", "#{pane_title}") == before
        assert "\x1b]8;" not in screen  # tmux writes a hyperlink it kept as OSC 8
        text = re.sub("\x1b\\[[0-9;]*m", "", screen)  # deskline's own colours
        assert "\x1b" not in text, text
        assert "T-2 [P1] \\x1b]0;pwned\\x07 title" in text  # shown, not obeyed
        assert "T-3 [P1] \\x1b]8;;file:///etc/passwd\\x1b\\click" in text
        assert "\\x1b[2J\\x1b[H clear" in text  # listed, and the screen not cleared
        assert run("show-buffer") == ""  # OSC 52 set no tmux buffer
    finally:
        run("kill-server")


@pytest.mark.parametrize(
    "handle", ["al\x1b]0;x\x07", "Ana Silva", "[bold]x", "x" * 40, "ana\u202e", "ana:x", "Ana"]
)
def test_a_handle_outside_the_safe_pattern_is_one_clear_line(sqlite_url, handle):
    env = dict(os.environ, DESKLINE_DB=sqlite_url, DESKLINE_AS="ana")
    for args in (("agents", "add", handle), ("--as", handle, "list")):
        done = deskline(env, *args, check=False)
        assert done.returncode == 2, done.stderr
        [line] = [x for x in done.stderr.splitlines() if "bad handle" in x]
        assert line.startswith("deskline: bad handle ") and "lower-case" in line
        assert not leaks(done.stderr) and len(line) < 300
