"""``deskline customers``: tiers and dedicated agents, as routing uses them."""

from __future__ import annotations

import pytest
from in_process import Cli, routed_desk


@pytest.fixture
def cli(db_url, tmp_path, capsys, monkeypatch) -> Cli:
    return routed_desk(db_url, tmp_path, capsys, monkeypatch)


def test_customers_get_a_tier_and_a_dedicated_agent(cli):
    got = cli.json("customers", "set", "Globex", "--tier", "vip", "--dedicated", "cy")
    assert got == {"name": "Globex", "tier": "vip", "dedicated": "cy"}
    made = cli.json("new", "--title", "Question", "--customer", "Globex")
    assert (made["assignee"], made["priority"]) == ("cy", "P1")
    assert cli.json("customers", "list") == [got]
