"""Every command's ``--help`` in zh_CN: its help, one-line help and parameter helps go through
the catalogue (a command added with an untranslated help fails here), laid out by terminal
cells at 80 columns; English is as Click writes it. And the errors and lines of the ticket,
alert, agent, knowledge-base and report commands in zh_CN, their machine output English."""

from __future__ import annotations

import json
import re
import sys

import pytest
from processes import deskline, languageless_env
from typer.main import get_command

from deskline.core.language import language, use
from deskline.tui.cli.helptext import cells, fill, short, wrap
from deskline.tui.cli.main import app, main

ZH = language("zh_CN")
WORDS = re.compile(r"[A-Za-z]{2,}")


@pytest.fixture
def run(monkeypatch, capsys):
    """``deskline ARGS`` in-process at 80 columns; the process speaks English again after."""
    monkeypatch.setenv("COLUMNS", "80")
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "DESKLINE_CONFIG"):
        monkeypatch.delenv(name, raising=False)

    def run(*args: str) -> str:
        monkeypatch.setattr(sys, "argv", ["deskline", *args])
        with pytest.raises(SystemExit) as done:
            main()
        out, err = capsys.readouterr()
        assert done.value.code in (0, None), err
        return out

    yield run
    use("en")


def commands():
    """Every command and group of ``deskline`` (the root included), with its words."""
    found = []

    def walk(command, path):
        found.append((path, command))
        if hasattr(command, "list_commands"):
            ctx = command.make_context("deskline", [], resilient_parsing=True)
            for name in command.list_commands(ctx):
                walk(command.get_command(ctx, name), (*path, name))

    walk(get_command(app), ())
    return found


def test_every_command_and_parameter_help_is_in_the_catalogue():
    untranslated = []
    listed = commands()
    assert len(listed) > 80
    for path, command in listed:
        texts = [command.help, command.short_help, *(p.help for p in command.params)]
        for text in texts:
            if text and WORDS.search(text) and ZH.gettext(text) == text:
                untranslated.append(f"deskline {' '.join(path)}: {text!r}")
    assert not untranslated, "\n".join(untranslated)


def test_the_check_catches_a_command_whose_help_is_not_marked():
    assert ZH.gettext("Give a ticket to an agent.") != "Give a ticket to an agent."
    assert ZH.gettext("Frobnicate a ticket.") == "Frobnicate a ticket."


def test_commands_help_in_chinese(run):
    new = run("--lang", "zh_CN", "new", "--help")
    assert new.startswith("用法：deskline new [OPTIONS]\n")
    assert "新建工单；由分诊和分派规则设定其优先级和处理人。" in new
    assert re.search(r"^  -t, --title TITLE +用一句话说明问题。  \[必填\]$", new, re.M)
    assert "选项:" in new and "Usage" not in new
    escalate = run("--lang", "zh_CN", "escalate", "--help")
    assert "参数:" in escalate and re.search(r"^  KEY +工单编号，例如 T-1042。", escalate, re.M)
    alerts = run("--lang", "zh_CN", "alerts", "--help")
    assert "命令:" in alerts and re.search(r"^  ack +确认我的提醒（记录确认时间）。$", alerts, re.M)
    assert "[默认：50; 1<=x<=2147483647]" in alerts
    agents = run("--lang", "zh_CN", "agents", "add", "--help")
    assert "添加坐席（仅限管理员）。" in agents and "[默认：agent]" in agents
    top = run("--lang", "zh_CN", "--help")
    assert re.search(r"^  show +显示一张工单及其对话和历史。$", top, re.M)
    assert re.search(r"^  kb +知识库：来自已解决工单的文章，按其中的词语搜索。$", top, re.M)


def test_english_help_is_as_before(run):
    new = run("new", "--help")
    assert new.startswith("Usage: deskline new [OPTIONS]\n")
    assert re.search(r"^  -t, --title TITLE +What is wrong, in a line\.  \[required\]$", new, re.M)
    top = run("--help")
    assert re.search(r"^  show +Show one ticket with its conversation and history\.$", top, re.M)


def test_chinese_help_fits_80_columns_and_keeps_its_column(run):
    for path, _command in commands():
        shown = run("--lang", "zh_CN", *path, "--help")
        too_wide = [line for line in shown.splitlines() if cells(line) > 78]
        assert not too_wide, (path, too_wide)
    shown = run("--lang", "zh_CN", "new", "--help").splitlines()
    at = next(i for i, line in enumerate(shown) if line.startswith("  --requester EMAIL"))
    column = shown[at].index("请求人")
    assert shown[at + 1].startswith(" " * column) and not shown[at + 1][column].isspace()
    assert cells(shown[at]) > 70  # it was wrapped where the line was full, not before


def test_wide_text_breaks_between_characters_never_before_a_closing_mark():
    text = "请求人：联系人的邮箱地址（新地址会成为联系人）；回复会发邮件给他们。"
    for width in range(8, 40):
        lines = fill(text, width).splitlines()
        assert all(cells(line) <= width for line in lines), width
        assert "".join(lines) == text
        assert not any(line[0] in "，。；：）" for line in lines), (width, lines)
    assert fill("把 deskline 的操作记录输出到 stderr", 16).splitlines()[0] == "把 deskline 的操"
    # narrow text is Click's own wrapping
    assert wrap("one two three", 8) == "one two\nthree"


def test_the_one_line_help_of_wide_text_is_its_first_sentence_cut_by_cells():
    assert short("显示一张工单。其余内容。", 40) == "显示一张工单。"
    cut = short("按队列顺序列出工单（除非给出 --status 或 --all，只列未解决的）。", 30)
    assert cut.endswith("...") and cells(cut) <= 30
    assert short("Show one ticket. More.", 40) == "Show one ticket."


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    """A desk with one ticket, in no language of its own (the locale is C)."""
    env = languageless_env(tmp_path)
    deskline(env, "new", "-t", "打印机卡纸", "--customer", "Initech")
    return env


def refused(env: dict[str, str], *args: str) -> tuple[int, str]:
    done = deskline(env, "--lang", "zh_CN", *args, check=False)
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    return done.returncode, lines[0]


def test_the_commands_refuse_in_chinese_and_change_nothing(env):
    before = deskline(env, "list", "--all", "--json").stdout
    assert refused(env, "list", "--all", "--status", "new") == (
        2,
        "deskline：请给出 --all 或 --status，不要同时给出",
    )
    assert refused(env, "reply", "T-1") == (
        2,
        "deskline：请给出回复的 TEXT，或 --macro NAME（见 `deskline macros`）",
    )
    assert refused(env, "alerts", "ack") == (
        2,
        "deskline：请指明要确认的提醒（`deskline alerts` 中的 id），或使用 --all",
    )
    assert refused(env, "alerts", "ack", "99") == (
        1,
        "deskline：你没有提醒 99：用 `deskline alerts` 查看你的提醒",
    )
    assert refused(env, "agents", "duty", "maybe") == (
        2,
        "deskline：值班状态 'maybe' 无效：请用 on 或 off",
    )
    assert refused(env, "kb", "add", "--title", "VPN") == (
        2,
        "deskline：文章需要正文：请给出 --body 或 --body-file",
    )
    assert refused(env, "report", "daily", "--table", "x") == (
        2,
        "deskline：--table 需与 --format csv 一起使用",
    )
    assert refused(env, "report", "daily", "--format", "pdf")[1].startswith(
        "deskline：--format pdf：请使用 text, json, csv"
    )
    assert deskline(env, "list", "--all", "--json").stdout == before


def test_the_commands_say_what_they_did_in_chinese_and_json_stays_english(env):
    said = deskline(env, "--lang", "zh_CN", "note", "T-1", "已重启打印机").stdout
    assert said == "T-1: 已添加内部备注\n"
    said = deskline(env, "--lang", "zh_CN", "priority", "T-1", "P1").stdout
    assert said == "T-1: 优先级 P1\n"
    assert deskline(env, "--lang", "zh_CN", "agents", "duty", "off").stdout == "ana 已下班\n"
    data = json.loads(deskline(env, "--lang", "zh_CN", "take", "T-1", "--json").stdout)
    assert data["status"] == "in_progress" and data["priority"] == "P1"
    assert deskline(env, "--lang", "zh_CN", "alerts").stdout == "你没有提醒\n"
    assert deskline(env, "--lang", "zh_CN", "kb", "list").stderr == "deskline：还没有已发布的文章\n"
    explained = deskline(env, "--lang", "zh_CN", "rules", "explain", "T-1").stdout
    assert "分诊：" in explained and "T-1 未被分派" in explained
    assert deskline(env, "note", "T-1", "ok").stdout == "T-1: note added\n"
