"""``deskline ARGS`` run in-process through the real entry point, the desks the command tests
start from, and the row counts that show a refused command changed nothing."""

from __future__ import annotations

import json
import sys

from sqlalchemy import inspect, text

from deskline.core.language import current, use
from deskline.storage.store import Store
from deskline.tui.cli.main import main

ADMIN = "ada"  # who sets the command tests' desks up: the first user, so the admin


class Cli:
    """``deskline --db DB [--config FILE] --as HANDLE ARGS`` in-process."""

    def __init__(self, db: str, capsys, monkeypatch, config: str | None = None) -> None:
        self.db, self.capsys, self.monkeypatch, self.config = db, capsys, monkeypatch, config

    def __call__(self, *args: str, as_: str = "ana", config: str | None = None):
        self.capsys.readouterr()
        config = config or self.config
        argv = ["deskline", "--db", self.db, *(["--config", config] if config else []), "--as", as_]
        self.monkeypatch.setattr(sys, "argv", [*argv, *args])
        code = _main()
        out, err = self.capsys.readouterr()
        return code, out, err

    def json(self, *args: str, as_: str = "ana"):
        code, out, err = self(*args, "--json", as_=as_)
        assert code == 0, err
        return json.loads(out)


def run(monkeypatch, capsys, *args: str, env: dict[str, str] | None = None):
    """``deskline ARGS`` in-process with ``env`` set: (exit code, stdout, stderr)."""
    for name, value in (env or {}).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "argv", ["deskline", *args])
    capsys.readouterr()
    code = _main()
    out, err = capsys.readouterr()
    return code, out, err


def _main() -> int:
    """The entry point's exit code. The process's language is put back as it was: a run's
    ``--lang`` or locale chooses it for that run only, as in a process of its own."""
    before = current()
    try:
        main()
        return 0
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        use(before)


def plain_desk(db_url: str, capsys, monkeypatch) -> Cli:
    """A desk with two agents (ana of Service Desk, bo), no deskline.toml, set up by ada
    (its first user, so its admin)."""
    run = Cli(db_url, capsys, monkeypatch)
    code, _, err = run(
        "agents", "add", "ana", "--name", "Ana Silva", "--team", "Service Desk", as_=ADMIN
    )
    assert code == 0, err
    assert run("agents", "add", "bo", "--name", "Bo Wang", as_=ADMIN)[0] == 0
    return run


ROUTING_CONFIG = """
[routing]
fallback_team = "Service Desk"

[[routing.rules]]
name = "Billing"
category = "Billing/"
team = "Billing"

[[routing.rules]]
name = "Network"
any = [{ category = "Network" }, { tags = ["vpn"] }]
team = "Service Desk"

[[templates]]
name = "bug"
title_prefix = "[Bug] "
category = "Software/Bug"
priority = "P3"
required = ["customer"]
description = "Steps to reproduce:"
tags = ["bug"]

[surge]
more_than = 2
within = "10m"
"""


def routed_desk(db_url: str, tmp_path, capsys, monkeypatch) -> Cli:
    """A desk with routing rules, templates and a surge rule, five agents in two teams, set up
    by ada (its first user, so its admin; no team)."""
    config = tmp_path / "deskline.toml"
    config.write_text(ROUTING_CONFIG)
    monkeypatch.setenv("DESKLINE_NOW", "2026-04-02T09:00:00+00:00")
    run = Cli(db_url, capsys, monkeypatch, str(config))
    for args in (
        ("ana", "--role", "supervisor", "--team", "Service Desk"),
        ("bo", "--team", "Service Desk", "--skill", "vpn"),
        ("cy", "--team", "Service Desk"),
        ("dee", "--team", "Billing"),
        ("zoe", "--role", "director"),
    ):
        code, _, err = run("agents", "add", *args, as_=ADMIN)
        assert code == 0, err
    return run


SLA_CONFIG = """
[calendars.support]
timezone = "Asia/Shanghai"
holidays = ["2026-10-01", "2026-10-02"]

[calendars.support.hours]
mon = ["09:00-12:00", "13:00-18:00"]
tue = ["09:00-12:00", "13:00-18:00"]
wed = ["09:00-12:00", "13:00-18:00"]
thu = ["09:00-12:00", "13:00-18:00"]
fri = ["09:00-12:00", "13:00-18:00"]

[sla.P3]
calendar = "support"

[[sla.policies]]
name = "VIP customers"
tier = "vip"
factor = 0.5
"""


def row_counts(db: str, agents: bool = False) -> dict[str, object]:
    """Rows per table and the sum of ticket versions (and, with ``agents``, the roster)."""
    store = Store.open(db)
    with store.read() as s:
        counts: dict[str, object] = {
            t: s.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one()
            for t in inspect(store.engine).get_table_names()
        }
        if agents:
            counts["_agents"] = s.execute(
                text("SELECT handle, on_duty, skills, cap, max_active FROM agent ORDER BY handle")
            ).all()
        counts["_versions"] = s.execute(text("SELECT sum(version) FROM ticket")).scalar()
    store.close()
    return counts
