"""Core's refusals and reports in zh_CN, through the command line on a real SQLite desk:
a refusal is one line in Chinese (English by default, unchanged), nothing is written; the
weekly report's text and Markdown are in Chinese while its CSV and JSON stay as they were."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

MONDAY = "2026-11-23"  # the week the tickets are made in
LATER = "2026-12-02T10:00:00Z"  # the Wednesday after: "last week" is that week


def run(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "deskline", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if check:
        assert done.returncode == 0, done.stderr
    return done


def refusal(env: dict[str, str], *args: str) -> tuple[int, str]:
    """The exit status and the one line a refused command says (nothing on stdout)."""
    done = run(env, *args, check=False)
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    return done.returncode, lines[0]


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    """A desk (ana its admin, bob an agent) with a ticket resolved and one new, made in
    the week of MONDAY; the locale says no language."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))}
    env.update(
        DESKLINE_DB=str(tmp_path / "desk.db"),
        DESKLINE_CONFIG=str(tmp_path / "deskline.toml"),
        DESKLINE_AS="ana",
        DESKLINE_NOW=f"{MONDAY}T09:00:00Z",
        TZ="UTC",
        PYTHONUTF8="1",
    )
    (tmp_path / "deskline.toml").write_text("", encoding="utf-8")
    run(env, "new", "-t", "打印机卡纸", "--customer", "Initech", "-p", "P2")
    run(env, "new", "-t", "VPN drops every hour", "-p", "P1")
    run(env, "agents", "add", "bob", "--name", "Bob")
    run({**env, "DESKLINE_NOW": f"{MONDAY}T09:20:00Z"}, "take", "T-1")
    run({**env, "DESKLINE_NOW": f"{MONDAY}T10:00:00Z"}, "reply", "T-1", "换了新的硒鼓")
    later = {**env, "DESKLINE_NOW": f"{MONDAY}T11:00:00Z"}
    run(later, "status", "T-1", "resolved", "--reason", "换了硒鼓")
    return env


def test_an_illegal_move_a_bad_policy_and_a_role_refusal_are_said_in_chinese(env, tmp_path):
    before = run(env, "list", "--all", "--json").stdout
    zh = ("--lang", "zh_CN")
    assert refusal(env, *zh, "status", "T-2", "closed") == (
        1,
        "deskline：无法把 T-2 从 new 改为 closed；new 状态只能改为：assigned, in_progress",
    )
    assert refusal(env, *zh, "reopen", "T-2") == (
        1,
        "deskline：无法重新打开 T-2：它的状态是 new，只有已解决或已关闭的工单才能重新打开",
    )
    assert refusal(env, *zh, "--as", "bob", "agents", "add", "carol", "--name", "Carol") == (
        1,
        "deskline：只有管理员可以添加或删除坐席，或修改其角色或团队；你（bob）的角色是 agent",
    )
    bad = tmp_path / "bad.toml"
    bad.write_text("[sla]\nat_risk_percent = 500\n", encoding="utf-8")
    assert refusal(env, *zh, "policy", "apply", str(bad)) == (
        2,
        f"deskline：{bad}: sla.at_risk_percent: 必须是大于 0 且不超过 100 的数字，而不是 500",
    )
    bad.write_text('[calendars.office]\nhours = { mon = ["18:00-09:00"] }\n', encoding="utf-8")
    code, line = refusal(env, *zh, "policy", "apply", str(bad))
    assert code == 2 and "的工作时段 '18:00-09:00' 无效：结束时间必须晚于开始时间" in line
    assert refusal(env, *zh, "new", "-t", "x", "-p", "P7") == (
        2,
        "deskline：优先级 'P7' 无效：请用 P0、P1、P2 或 P3",
    )
    assert run(env, "list", "--all", "--json").stdout == before  # nothing was written


def test_english_stays_the_default_and_the_words_are_unchanged(env, tmp_path):
    assert refusal(env, "status", "T-2", "closed") == (
        1,
        "deskline: cannot move T-2 from new to closed; from new it can go to: assigned, "
        "in_progress",
    )
    assert refusal(env, "--as", "bob", "agents", "add", "carol", "--name", "Carol") == (
        1,
        "deskline: only an admin can add or remove agents or change their role or team; "
        "you (bob) are agent",
    )
    bad = tmp_path / "bad.toml"
    bad.write_text("[sla]\nat_risk_percent = 500\n", encoding="utf-8")
    assert refusal(env, "policy", "apply", str(bad)) == (
        2,
        f"deskline: {bad}: sla.at_risk_percent: must be a number above 0 and at most 100, not 500",
    )


def test_the_weekly_report_reads_in_chinese_and_its_csv_and_json_do_not_change(env):
    at = {**env, "DESKLINE_NOW": LATER}
    zh = ("--lang", "zh_CN")
    text = run(at, *zh, "report", "weekly").stdout  # its charts' titles: the chart's own test
    first = text.splitlines()[0]
    assert first == "deskline 每周报表：2026-11-23 00:00 至 2026-11-30 00:00（UTC），整个服务台"
    for heading in ("汇总", "按日", "按优先级", "每日结束时的积压工单", "已发出的提醒（按梯级）"):
        assert heading in text.splitlines()
    assert "新建与已解决" in text and "Created and solved" not in text
    assert "分组  已创建  已解决  首次响应达标 %" in text
    english = run(at, "report", "weekly").stdout
    assert english.splitlines()[0].startswith("deskline weekly report: 2026-11-23 00:00 to ")
    assert "Summary" in english.splitlines() and "汇总" not in english

    markdown = run(at, *zh, "report", "weekly", "--format", "md").stdout
    assert markdown.startswith("# deskline 每周报表：")
    assert "## 按优先级" in markdown and "| 分组 | 已创建 | 已解决 |" in markdown
    assert "## By priority" in run(at, "report", "weekly", "--format", "md").stdout

    for form in (("--format", "csv", "--table", "by_priority"), ("--format", "json")):
        said = run(at, *zh, "report", "weekly", *form).stdout
        assert said == run(at, "report", "weekly", *form).stdout
    rows = run(at, *zh, "report", "weekly", "--format", "csv", "--table", "summary").stdout
    assert rows.splitlines()[0].startswith("group,created,solved,")
    report = json.loads(run(at, *zh, "report", "weekly", "--format", "json").stdout)
    assert report["kind"] == "weekly" and "by_priority" in report["tables"]
    assert report["tables"]["summary"][0]["created"] == 2
