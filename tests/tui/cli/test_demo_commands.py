"""``deskline demo``: a demo desk filled once, then reused."""

from __future__ import annotations

import json

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
