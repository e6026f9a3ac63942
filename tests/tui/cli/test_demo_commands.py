"""``deskline demo``: a demo desk filled once, then reused."""

from __future__ import annotations

import json

import pytest
from in_process import run


def test_demo_fills_once_and_reuses(monkeypatch, capsys, tmp_path):
    env = {"DESKLINE_NOW": "2026-04-02T16:30:00+02:00", "DESKLINE_AS": "root"}
    code, out, err = run(monkeypatch, capsys, "demo", "--no-open", "--tickets", "40", env=env)
    assert code == 0, err
    path = out.strip().removeprefix("demo database: ")
    assert path.startswith(str(tmp_path)) and "40 tickets" in err
    code, out2, err2 = run(monkeypatch, capsys, "demo", "--no-open", env=env)
    assert code == 0 and out2 == out and "tickets" not in err2  # reused, not refilled
    code, out3, _ = run(monkeypatch, capsys, "--db", path, "list", "--all", "--json", env=env)
    assert len(json.loads(out3)) == 40


def _tickets_in(path) -> int:
    import sqlite3

    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("SELECT count(*) FROM ticket").fetchone()[0]
    except sqlite3.Error:
        return 0


@pytest.mark.parametrize("where", ["default", "--db"])
def test_a_killed_demo_is_never_taken_for_a_whole_one(tmp_path, where):
    """kill -9 of ``demo --tickets 20000`` at a random moment once it has written tickets,
    ten times, in the default demo file and in a ``--db PATH`` of the user's: no demo desk is
    left behind, the next run says the unfinished one went and makes a whole one."""
    import os
    import random
    import signal
    import subprocess
    import sys
    import time

    from conftest import poll
    from processes import deskline

    env = dict(
        os.environ,
        XDG_DATA_HOME=str(tmp_path / "data"),
        DESKLINE_NOW="2026-04-02T16:30:00+02:00",
        DESKLINE_AS="root",
    )
    if where == "default":
        home, name, db = tmp_path / "data" / "deskline", "demo.db", []
    else:
        home, name = tmp_path / "mine", "desk.sqlite"
        home.mkdir()
        db = ["--db", str(home / name)]
    chance = random.Random(15)
    for _ in range(10):
        child = subprocess.Popen(
            [sys.executable, "-m", "deskline", *db, "demo", "--no-open", "--tickets", "20000"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            # this run's own file: the last run's, left by its kill, is removed as this one
            # starts, and a kill in between would leave none for the final run to find
            own = home / f"{name}.part-{child.pid}"
            assert poll(lambda own=own: _tickets_in(own) > 0, 60), "the demo wrote no ticket"
            time.sleep(chance.uniform(0, 1.5))  # somewhere in the making
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait()
        assert not (home / name).exists()  # nothing taken for a demo desk
    done = deskline(env, *db, "demo", "--no-open", "--tickets", "120")
    assert "an unfinished demo desk (its making was stopped) was removed" in done.stderr
    assert "120 tickets" in done.stderr
    assert sorted(p.name for p in home.glob(f"{name}*")) == [name]
    listed = deskline(env, "--db", str(home / name), "list", "--all", "--json")
    assert len(json.loads(listed.stdout)) == 120
    again = deskline(env, *db, "demo", "--no-open", "--tickets", "50")
    assert "the demo desk exists (120 tickets); --tickets is for a new one" in again.stderr


def _demo_env(tmp_path) -> dict[str, str]:
    import os

    return dict(
        os.environ,
        XDG_DATA_HOME=str(tmp_path / "data"),
        DESKLINE_NOW="2026-04-02T16:30:00+02:00",
        DESKLINE_AS="root",
    )


def test_in_a_pipe_the_demo_shows_no_progress_bar(tmp_path):
    from processes import deskline

    done = deskline(_demo_env(tmp_path), "demo", "--no-open", "--tickets", "30")
    assert "30 tickets" in done.stderr
    assert "\r" not in done.stderr and "━" not in done.stderr and "demo tickets" not in done.stderr


def test_on_a_terminal_the_demo_shows_its_progress(tmp_path, require):
    import shlex
    import shutil
    import subprocess
    import sys
    import uuid

    from conftest import poll

    exe = shutil.which("tmux")
    require("tmux", exe is not None)
    socket = f"deskline-test-{uuid.uuid4().hex[:8]}"
    env = _demo_env(tmp_path)
    line = " ".join(
        [
            *(f"{k}={shlex.quote(env[k])}" for k in ("XDG_DATA_HOME", "DESKLINE_NOW")),
            *(f"{k}={shlex.quote(env.get(k, ''))}" for k in ("DESKLINE_AS", "PYTHONPATH")),
            shlex.quote(sys.executable),
            "-m deskline demo --no-open --tickets 400; sleep 60",
        ]
    )

    def tmux(*args: str) -> str:
        return subprocess.run([exe, "-L", socket, *args], capture_output=True, text=True).stdout

    tmux("new", "-d", "-s", "demo", "-x", "100", "-y", "24", line)
    try:

        def bar() -> str:
            screen = tmux("capture-pane", "-p")
            return screen if "demo tickets" in screen else ""

        seen = poll(bar, timeout=120)
        assert "/400" in seen and "━" in seen  # a bar, with how many of how many
        done = poll(lambda: "400 tickets" in tmux("capture-pane", "-p"), timeout=300)
        assert done and "demo tickets" not in tmux("capture-pane", "-p")  # gone at the end
    finally:
        tmux("kill-server")
