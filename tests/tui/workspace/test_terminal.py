"""End to end in a real terminal: tmux runs deskline on a demo desk at 80×24."""

from __future__ import annotations

import os
import subprocess

from conftest import poll as wait_for


def test_quick_create_in_a_real_terminal_and_a_clean_exit(tmux, tmp_path):
    run, deskline = tmux
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "DESKLINE_AS": "root",
        "TERM": "xterm-256color",
    }
    filled = subprocess.run(
        [deskline, "demo", "--no-open", "--tickets", "40"], env=env, capture_output=True, text=True
    )
    assert filled.returncode == 0, filled.stderr
    db = filled.stdout.strip().removeprefix("demo database: ")
    command = f"{deskline} --db {db}; echo deskline-exited-$?; sleep 30"
    started = run(
        "new-session",
        "-d",
        "-s",
        "e2e",
        "-x",
        "80",
        "-y",
        "24",
        "-e",
        f"XDG_DATA_HOME={env['XDG_DATA_HOME']}",
        "-e",
        f"XDG_CONFIG_HOME={env['XDG_CONFIG_HOME']}",
        "-e",
        "DESKLINE_AS=root",
        command,
    )
    assert started.returncode == 0, started.stderr

    def screen() -> str:
        return run("capture-pane", "-p", "-t", "e2e").stdout

    assert wait_for(lambda: "open" in screen() and "T-" in screen()), screen()
    run("send-keys", "-t", "e2e", "C-t")
    assert wait_for(lambda: "New ticket" in screen()), screen()
    run("send-keys", "-t", "e2e", "-l", "Caller says the lobby printer smokes")
    run("send-keys", "-t", "e2e", "Enter")
    assert wait_for(lambda: "T-41" in screen() and "created" in screen()), screen()
    run("send-keys", "-t", "e2e", "q")
    after = wait_for(lambda: "deskline-exited-0" in screen() and screen(), timeout=10)
    assert after, screen()
    # The terminal is restored: the app's screen is gone, the shell's output is back.
    assert "New ticket" not in after and "T-41" not in after
