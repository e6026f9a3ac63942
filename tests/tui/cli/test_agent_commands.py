"""``deskline agents``: duty on and off, skills and caps, on a desk with routing rules."""

from __future__ import annotations

import pytest
from in_process import Cli, routed_desk


@pytest.fixture
def cli(db_url, tmp_path, capsys, monkeypatch) -> Cli:
    return routed_desk(db_url, tmp_path, capsys, monkeypatch)


def test_duty_on_and_off(cli):
    assert cli("agents", "duty", "off", as_="bo")[1] == "bo is off duty\n"
    assert cli.json("agents", "duty", "on", "bo")["on_duty"] is True  # ana supervises
    listed = {a["handle"]: a for a in cli.json("agents", "list")}
    assert listed["bo"]["on_duty"] is True and listed["bo"]["cap"] is None
    cli("agents", "duty", "off", "cy")
    made = cli.json("new", "--title", "VPN again", "--tag", "vpn")
    assert made["assignee"] == "bo"


def test_agents_set_changes_skills_and_cap(cli):
    code, out, err = cli("agents", "set", "cy", "--skills", "printer,network", "--cap", "2")
    assert code == 0, err
    assert out == (
        "cy (agent): team Service Desk, skills printer, network, cap 2, max active 10, on duty\n"
    )
    got = cli.json("agents", "set", "cy", "--cap", "default", "--clear-skills")
    assert (got["cap"], got["skills"]) == (None, [])
    code, out, _ = cli("agents", "list")
    assert "OPEN" in out and "CAP" in out
