"""``deskline policy`` as real processes on SQLite and PostgreSQL: the policy is the desk's,
whatever local file each process has (or none); applying shows the diff and the impact,
asks, and is one transaction that kill -9 cannot leave half done; the errors; the one-time
import of a local file's policy sections."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import PG_URL
from processes import deskline
from sqlalchemy import create_engine, text

T0 = "2026-04-02T08:00:00+00:00"

POLICY = """
[sla.P0]
first_response = "20s"
resolution = "2h"
calendar = "always"

[alerts]
late_after = "1m"
"""
FASTER = POLICY.replace('"20s"', '"10s"')


def base_env(tmp_path: Path, db: str, name: str = "home") -> dict[str, str]:
    """A person of their own: no local file unless the test writes one."""
    env = dict(os.environ)
    for gone in ("DESKLINE_CONFIG", "DESKLINE_NOW", "DESKLINE_DB"):
        env.pop(gone, None)
    env.update(
        DESKLINE_DB=db,
        DESKLINE_AS="root",
        TZ="UTC",
        XDG_CONFIG_HOME=str(tmp_path / name / "config"),
        XDG_DATA_HOME=str(tmp_path / name / "data"),
    )
    return env


@pytest.fixture
def env(tmp_path, db_url) -> dict[str, str]:
    env = base_env(tmp_path, db_url)
    (tmp_path / "policy.toml").write_text(POLICY, encoding="utf-8")
    first = deskline(env, "agents", "list")  # the first use: root becomes the desk's admin
    # and the desk keeps the built-in policy as its version 1 (business hours in UTC here)
    assert (
        "deskline: the desk runs on the built-in policy (version 1, business hours in UTC); "
        "change it with `deskline policy apply`\n"
    ) in first.stderr
    return env


def versions(env: dict[str, str]) -> list[int]:
    return [h["version"] for h in json.loads(deskline(env, "policy", "history", "--json").stdout)]


def show(env: dict[str, str], key: str, now: str) -> dict:
    return json.loads(deskline(dict(env, DESKLINE_NOW=now), "show", key, "--json").stdout)


def test_policy_apply_shows_diff_and_impact_asks_and_writes_one_version(env, tmp_path):
    policy = str(tmp_path / "policy.toml")
    deskline(dict(env, DESKLINE_NOW=T0), "new", "-t", "Checkout down", "-p", "P0")
    deskline(dict(env, DESKLINE_NOW=T0), "new", "-t", "Printer", "-p", "P3")
    at_30s = "2026-04-02T08:00:30+00:00"

    refused = deskline(dict(env, DESKLINE_NOW=at_30s), "policy", "apply", policy, check=False)
    assert refused.returncode == 1
    assert refused.stderr == "deskline: not applied: add --yes to apply without asking\n"
    assert '-first_response = "15m"\n+first_response = "20s"\n resolution = "2h"' in (
        refused.stdout
    )
    assert refused.stdout.startswith("--- version 1\n+++ version 2 (new)\n")
    # at 08:00:30 the P0 is breached under 20 s, not under the default 15 min; the P3 stays
    assert "open tickets: 2; due times move on 1; breached now: 1 (under version 1: 0)" in (
        refused.stdout
    )
    assert versions(env) == [1]

    done = deskline(
        dict(env, DESKLINE_NOW=at_30s), "policy", "apply", policy, "--yes", "--note", "launch"
    )
    assert "applied: the desk's policy is version 2" in done.stdout
    history = json.loads(deskline(env, "policy", "history", "--json").stdout)
    assert [(h["version"], h["applied_by"], h["source"]) for h in history] == [
        (1, "root", "built-in defaults"),
        (2, "root", policy),
    ]
    assert history[1]["note"] == "launch"
    sla = show(env, "T-1", at_30s)["sla"]["first_response"]
    assert sla["due_at"].startswith("2026-04-02T08:00:20") and sla["state"] == "breached"

    again = deskline(env, "policy", "apply", policy, "--yes")
    assert again.stdout == f"no change: {policy} is the desk's policy (version 2)\n"
    assert versions(env) == [1, 2]


def test_show_export_and_history_of_versions(env, tmp_path):
    policy = str(tmp_path / "policy.toml")
    shown = deskline(env, "policy", "show").stdout
    assert shown.startswith("# policy version 1")
    assert 'first_response = "15m"' in shown
    deskline(env, "policy", "apply", policy, "--yes")
    (tmp_path / "faster.toml").write_text(FASTER, encoding="utf-8")
    deskline(env, "policy", "apply", str(tmp_path / "faster.toml"), "--yes")

    exported = tmp_path / "v2.toml"
    exported.write_text(deskline(env, "policy", "export", "--version", "2").stdout)
    assert deskline(env, "config", "check", str(exported)).returncode == 0
    as_json = json.loads(deskline(env, "policy", "show", "--version", "2", "--json").stdout)
    assert as_json["version"] == 2
    assert as_json["policy"]["sla"]["P0"]["first_response"] == "20s"
    # exported version 2 applied again is version 4, the same policy (same digest) as 2
    deskline(env, "policy", "apply", str(exported), "--yes")
    history = json.loads(deskline(env, "policy", "history", "--json").stdout)
    assert [h["version"] for h in history] == [1, 2, 3, 4]
    assert history[1]["digest"] == history[3]["digest"] != history[2]["digest"]
    lines = deskline(env, "policy", "history").stdout.splitlines()
    assert len(lines) == 4 and lines[2].split()[:2] == ["3", history[2]["digest"][:12]]
    missing = deskline(env, "policy", "show", "--version", "9", check=False)
    assert missing.returncode == 1
    assert missing.stderr == "deskline: no policy version 9: see `deskline policy history`\n"


def test_policy_apply_errors_are_one_line_and_write_nothing(env, tmp_path):
    deskline(env, "agents", "add", "bo", "--name", "Bo Wang")
    policy = str(tmp_path / "policy.toml")
    agent = deskline(dict(env, DESKLINE_AS="bo"), "policy", "apply", policy, "--yes", check=False)
    assert agent.returncode == 1 and agent.stdout == ""
    assert agent.stderr == (
        "deskline: only an admin can change the desk's policy; you (bo) are agent\n"
    )
    personal = tmp_path / "personal.toml"
    personal.write_text("[ui]\nascii = true\n")  # would stand for the built-in defaults
    none = deskline(env, "policy", "apply", str(personal), "--yes", check=False)
    assert none.returncode == 2 and none.stderr == (
        f"deskline: {personal}: no policy section in it (calendars, sla, routing, triage, "
        "templates, surge, alerts, mail, macro, archive): nothing to use\n"
    )
    bad = tmp_path / "bad.toml"
    bad.write_text('[sla.P2]\ncalendar = "weekdayz"\n')
    wrong = deskline(env, "policy", "apply", str(bad), "--yes", check=False)
    checked = deskline(env, "config", "check", str(bad), check=False)
    assert wrong.returncode == checked.returncode == 2
    assert wrong.stderr == checked.stderr  # validated exactly as `config check` does
    assert wrong.stderr == (
        f"deskline: {bad}: sla.P2.calendar: unknown calendar 'weekdayz'; known: always, business\n"
    )
    assert versions(env) == [1]


def test_a_local_file_policy_is_imported_once_then_must_match(tmp_path, db_url):
    env = base_env(tmp_path, db_url)
    local = tmp_path / "mine.toml"
    local.write_text(POLICY + "\n[ui]\nascii = true\n", encoding="utf-8")
    mine = dict(env, DESKLINE_CONFIG=str(local))

    first = deskline(mine, "list")
    assert (
        f"deskline: imported the desk's policy from {local} as version 1; change it with "
        "`deskline policy apply`\n"
    ) in first.stderr
    assert "imported" not in deskline(mine, "list").stderr  # once; the same policy: silent
    assert deskline(env, "policy", "show", "--json").stdout.count('"version": 1') == 1

    local.write_text(FASTER, encoding="utf-8")  # now it says something else
    differs = deskline(mine, "new", "-t", "x", check=False)
    assert differs.returncode == 2 and differs.stdout == ""
    assert differs.stderr == (
        f"deskline: {local}: its policy sections differ from the desk's policy (version 1, "
        "in the database): remove them from the file, or make them the desk's with "
        f"`deskline policy apply {local}`\n"
    )
    assert "no tickets" in deskline(env, "list").stdout + deskline(env, "list").stderr
    # what the error says to do works, with that very file as the local one
    deskline(mine, "policy", "apply", str(local), "--yes")
    assert deskline(mine, "list").returncode == 0


def test_the_working_directory_file_is_not_read(tmp_path, db_url):
    env = base_env(tmp_path, db_url)
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "deskline.toml").write_text(FASTER, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "deskline", "policy", "show", "--json"],
        env=env,
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and json.loads(done.stdout)["version"] == 0
    assert "imported" not in done.stderr


def test_machines_in_other_timezones_read_the_first_ones_business_hours(tmp_path, db_url):
    """A desk with no policy keeps the built-in one as version 1 at its first use, its
    business hours in that machine's zone: a machine elsewhere reads the same due times."""
    shanghai = dict(base_env(tmp_path, db_url, "sh"), TZ="Asia/Shanghai")
    new_york = dict(base_env(tmp_path, db_url, "ny"), TZ="America/New_York")
    first = deskline(dict(shanghai, DESKLINE_NOW=T0), "new", "-t", "Invoice", "-p", "P2")
    assert "version 1, business hours in Asia/Shanghai" in first.stderr
    told = deskline(new_york, "policy", "show", "--json")
    assert json.loads(told.stdout)["policy"]["calendars"]["business"]["timezone"] == (
        "Asia/Shanghai"
    )
    there, here = (show(who, "T-1", T0)["sla"] for who in (shanghai, new_york))
    assert there == here
    # 16:00 in Shanghai, 1 business hour: due at 17:00 Shanghai, 09:00 UTC
    assert here["first_response"]["due_at"].startswith("2026-04-02T09:00:00")
    assert "built-in policy" not in deskline(new_york, "list").stderr  # told once, by the first


def second_database(tmp_path: Path, db_url: str, request) -> str:
    """Another fresh desk on the same backend."""
    if db_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'other.db'}"
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    request.addfinalizer(drop)
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options={quote(f'-csearch_path={schema}')}"


def test_processes_with_different_local_files_or_none_fire_the_same_alerts(
    tmp_path, db_url, request
):
    """Two people, two desks made alike: one has a local file (personal settings only,
    its database named in it), the other none. Each reads its desk's policy, so at the
    same instants both fire the same alerts, and both read one desk's SLA alike."""
    other = second_database(tmp_path, db_url, request)
    (tmp_path / "policy.toml").write_text(POLICY, encoding="utf-8")
    ana = base_env(tmp_path, db_url, "ana")
    ana.pop("DESKLINE_DB")
    ana_file = Path(ana["XDG_CONFIG_HOME"]) / "deskline" / "deskline.toml"
    ana_file.parent.mkdir(parents=True)
    ana_file.write_text(
        f'[database]\nurl = "{db_url}"\n\n[ui]\nascii = true\n\n[notify]\nbell = false\n',
        encoding="utf-8",
    )
    bo = base_env(tmp_path, other, "bo")  # no local file at all
    for person in (ana, bo):
        deskline(person, "policy", "apply", str(tmp_path / "policy.toml"), "--yes")
        deskline(dict(person, DESKLINE_NOW=T0), "new", "-t", "Checkout down", "-p", "P0")

    def watch(person: dict[str, str], now: str) -> list[dict]:
        done = deskline(dict(person, DESKLINE_NOW=now), "watch", "--once", "--jsonl")
        return [json.loads(line) for line in done.stdout.splitlines()]

    for now, rungs in (
        ("2026-04-02T08:00:17+00:00", ["at_risk"]),  # 80% of 20 s
        ("2026-04-02T08:00:21+00:00", ["breach"]),
    ):
        with ThreadPoolExecutor(2) as pool:
            fired_ana, fired_bo = pool.map(watch, (ana, bo), (now, now))
        assert [a["rung"] for a in fired_ana] == rungs
        assert fired_ana == fired_bo
    # one desk, read by both (bo through --db, no file): the same clock
    at = "2026-04-02T08:00:05+00:00"
    from_file = show(ana, "T-1", at)["sla"]
    bo_here = dict(bo)
    bo_here["DESKLINE_DB"] = db_url
    assert from_file == show(bo_here, "T-1", at)["sla"]
    assert from_file["first_response"]["due_at"].startswith("2026-04-02T08:00:20")


def test_kill_9_mid_apply_leaves_the_old_version_and_due_times(env, tmp_path):
    policy = str(tmp_path / "policy.toml")
    deskline(env, "policy", "apply", policy, "--yes")
    deskline(dict(env, DESKLINE_NOW=T0), "new", "-t", "Checkout down", "-p", "P0")
    before = show(env, "T-1", T0)["sla"]
    (tmp_path / "faster.toml").write_text(FASTER, encoding="utf-8")

    child = subprocess.Popen(
        [sys.executable, "-m", "deskline", "policy", "apply", str(tmp_path / "faster.toml")]
        + ["--yes"],
        env=dict(env, DESKLINE_TEST_POLICY_HOLD="60", DESKLINE_NOW=T0),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        for line in child.stdout:  # written, re-planned, not committed: kill it now
            if line.startswith("policy hold: version 3 written"):
                break
        else:
            pytest.fail(f"the apply never reached its hold: {child.stderr.read()}")
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL

    assert versions(env) == [1, 2]
    assert show(env, "T-1", T0)["sla"] == before
    assert before["first_response"]["due_at"].startswith("2026-04-02T08:00:20")
    # and the desk works on: the same apply, not killed, goes through
    deskline(dict(env, DESKLINE_NOW=T0), "policy", "apply", str(tmp_path / "faster.toml"), "--yes")
    assert show(env, "T-1", T0)["sla"]["first_response"]["due_at"].startswith("2026-04-02T08:00:10")
