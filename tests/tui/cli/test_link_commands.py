"""``deskline merge T-2 into T-1``, ``link`` and ``unlink`` as people and scripts use them:
links in ``show`` (and its JSON), one-line errors that change nothing."""

from __future__ import annotations

import pytest
from in_process import Cli, plain_desk, row_counts


@pytest.fixture
def cli(db_url, capsys, monkeypatch) -> Cli:
    run = plain_desk(db_url, capsys, monkeypatch)
    for title in ("Double payment", "Charged twice", "Card declined"):
        assert run("new", "--title", title)[0] == 0
    assert run("reply", "T-2", "Refund on its way")[0] == 0
    return run


def test_merge_then_show_points_both_ways(cli):
    code, out, err = cli("merge", "T-2", "into", "T-1", "--reason", "same charge")
    assert code == 0, err
    assert out.strip() == "T-1: T-2 merged into it"
    kept = cli.json("show", "T-1")
    assert kept["links"] == ["merged from T-2"]
    assert kept["comments"][0]["body"] == "Refund on its way"
    assert kept["comments"][0]["author"] == "ana"
    gone = cli.json("show", "T-2")
    assert gone["status"] == "closed" and gone["links"] == ["merged into T-1"]
    code, out, _ = cli("show", "T-2")
    assert "merged into T-1" in out


def test_link_shows_in_show_and_unlink_takes_it_away(cli):
    code, out, _ = cli("link", "T-1", "T-3")
    assert code == 0 and out.strip() == "T-1: linked to T-3 (related)"
    assert cli.json("show", "T-3")["links"] == ["related T-1"]
    code, out, _ = cli("unlink", "T-3", "t-1")
    assert code == 0 and out.strip() == "T-3: no longer linked to T-1"
    assert cli.json("show", "T-1")["links"] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("merge", "T-1", "into", "T-1"), "T-1 cannot be merged into itself"),
        (("merge", "T-1", "onto", "T-2"), "write `deskline merge T-1 into T-2`"),
        (("merge", "T-1", "into", "T-99"), "no ticket T-99"),
        (("merge", "T-1", "into", "nope"), "nope"),
        (("link", "T-1", "T-1"), "cannot be linked to itself"),
        (("link", "T-1", "T-2", "--kind", "twin"), "unknown link kind 'twin'"),
        (("unlink", "T-1", "T-2"), "T-1 and T-2 are not linked"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(cli, db_url, args, message):
    before = row_counts(db_url)
    code, out, err = cli(*args)
    assert code != 0 and out == ""
    assert err.startswith("deskline: ") and message in err
    assert err.count("\n") == 1 and len(err) < 300
    assert row_counts(db_url) == before


def test_a_merged_ticket_takes_no_second_merge(cli):
    assert cli("merge", "T-2", "into", "T-1")[0] == 0
    code, _, err = cli("merge", "T-3", "into", "T-2")
    assert code == 1 and "T-2 is merged into T-1: reopen it to merge into it" in err
