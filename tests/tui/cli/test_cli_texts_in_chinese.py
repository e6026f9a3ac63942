"""The command modules' texts in zh_CN (``--lang zh_CN``, ``LANG=zh_CN.UTF-8``): refusals
one line in Chinese that change nothing, output and table headers in Chinese and aligned by
terminal cells, English unchanged, and machine output (--json, CSV) the same in both; the
store's English errors said again in Chinese at the CLI edge."""

from __future__ import annotations

import ast
import sqlite3
from pathlib import Path

import pytest
from in_process import ADMIN, plain_desk, run
from processes import deskline, languageless_env
from rich.cells import cell_len

from deskline.core.language import speaking, use
from deskline.tui.cli.context import STORE_ERRORS, store_error
from deskline.tui.language import status_word

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def _english_after() -> None:
    """A command run in-process chooses the process's language: English again after."""
    yield
    use("en")


@pytest.fixture
def cli(sqlite_url, capsys, monkeypatch):
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    run = plain_desk(sqlite_url, capsys, monkeypatch)
    code, _, err = run(
        "new", "-t", "打印机卡纸，整个财务部无法打印", "--customer", "北京某某科技有限公司"
    )
    assert code == 0, err
    return run


def test_refusals_are_one_chinese_line_and_english_is_unchanged(cli, monkeypatch):
    before = cli.json("list", "--all")
    refusals = [
        (
            ("bulk", "tag", "T-1"),
            2,
            "没有标签变更：用 +标签 添加，-标签 移除",
            "no tag change: give +tag to add, -tag to remove",
        ),
        (
            ("bulk", "tag", "vip", "T-1"),
            2,
            "'vip' 既不是工单编号也不是标签变更：请写 +vip 或 -vip",
            "'vip' is neither a ticket key nor a tag change: write +vip or -vip",
        ),
        (
            ("bulk", "priority", "P1", "T-1"),
            2,
            "更改优先级会移动 SLA 时限：请用 --reason 说明原因",
            "a priority change moves SLA targets: give --reason",
        ),
        (
            ("export", "--format", "xlsx"),
            1,
            "--format xlsx 需要 --out FILE（工作簿不是可输出到 stdout 的文本）",
            "--format xlsx needs --out FILE (a workbook is not text for stdout)",
        ),
        (
            ("merge", "T-1", "onto", "T-2"),
            2,
            "请写 `deskline merge T-1 into T-2`（而不是 'onto'）",
            "write `deskline merge T-1 into T-2` (not 'onto')",
        ),
        (
            (
                "sla",
                "due",
                "--start",
                "2026-04-02T16:30:00+08:00",
                "--duration",
                "2h",
                "--calendar",
                "nope",
            ),
            2,
            "未知的日历 'nope'；已有：always, business",
            "unknown calendar 'nope'; known: always, business",
        ),
        (
            ("dashboard", "--json"),
            2,
            "--json 需与 --once 一起使用（实时看板是一个界面）",
            "--json goes with --once (the live dashboard is a screen)",
        ),
    ]
    for args, code, chinese, english in refusals:
        assert _lang(cli, "zh_CN", *args) == (code, "", f"deskline：{chinese}\n"), args
        assert _lang(cli, "en", *args) == (code, "", f"deskline: {english}\n"), args
        assert cli(*args) == (code, "", f"deskline: {english}\n"), args  # no language: English
    assert cli.json("list", "--all") == before  # refused: nothing changed


def _lang(cli, lang: str, *args: str) -> tuple[int, str, str]:
    """``deskline --lang LANG --db DB --as ada ARGS`` (the admin), the global option first."""
    return run(cli.monkeypatch, cli.capsys, "--lang", lang, "--db", cli.db, "--as", ADMIN, *args)


def test_output_is_chinese_and_the_ticket_table_lines_up_by_cells(cli):
    code, out, _ = _lang(cli, "zh_CN", "list")
    assert code == 0
    header, row = out.splitlines()[:2]
    assert header.split() == ["SLA", "编号", "优先级", "状态", "处理人", "客户", "标题"]
    with speaking("zh_CN"):
        new = status_word("new")  # the status in words, as the workspace says it
    assert new != "new"
    # each column starts at the same terminal cell in the header and in the row
    for head, cell in (("状态", new), ("客户", "北京某某"), ("标题", "打印机卡纸")):
        assert cell_len(header[: header.index(head)]) == cell_len(row[: row.index(cell)])
    code, out, _ = _lang(cli, "zh_CN", "show", "T-1")
    assert code == 0 and "状态" in out and "客户" in out and "SLA 首次响应" in out
    assert "剩余" in out and "已用" in out
    code, out, _ = _lang(cli, "en", "show", "T-1")
    assert "first response" in out and " left, " in out and "% used" in out
    code, out, _ = _lang(cli, "zh_CN", "macros")
    assert code == 0
    assert out.startswith("没有宏：请在服务台策略中添加 [[macro]]（`deskline policy apply`）\n")
    code, out, _ = _lang(cli, "zh_CN", "search", "没有这种词")
    assert (code, out) == (0, "没有匹配的工单\n")
    code, out, _ = _lang(cli, "zh_CN", "bulk", "assign", "bo", "T-1")
    assert (code, out) == (0, "T-1: 已指派给 bo\n")


def test_machine_output_is_the_same_in_both_languages(cli):
    for args in (
        ("list", "--all", "--json"),
        ("search", "打印机", "--json"),
        ("export", "--all"),  # CSV: its header row is deskline's columns
        ("export", "--all", "--format", "jsonl"),
        ("policy", "history", "--json"),
        ("audit", "verify", "--json"),
    ):
        english = _lang(cli, "en", *args)
        assert english[0] == 0, english
        assert _lang(cli, "zh_CN", *args)[:2] == english[:2], args
    csv = _lang(cli, "zh_CN", "export", "--all")[1]
    assert csv.splitlines()[0].isascii() and "打印机卡纸" in csv


def test_the_audit_and_the_policy_speak_chinese(cli):
    code, out, _ = _lang(cli, "zh_CN", "audit", "verify")
    assert code == 0 and out.endswith("：所有链接完好\n") and "条链中共" in out
    code, out, _ = _lang(cli, "zh_CN", "policy", "show")
    assert code == 0 and out.startswith("# 策略版本 1，由 ")
    code, out, _ = _lang(cli, "en", "policy", "history")
    assert code == 0 and " applied " in out and f" by {ADMIN} " in out


def test_the_locale_chooses_chinese_for_a_whole_process(tmp_path):
    env = languageless_env(tmp_path)
    done = deskline({**env, "LANG": "zh_CN.UTF-8"}, "macros")
    said = done.stdout.splitlines()
    assert said[0] == "没有宏：请在服务台策略中添加 [[macro]]（`deskline policy apply`）"
    assert said[2] == "宏文本可用的占位符：" and "  {key}        工单编号，如 T-12" in said
    assert "首次使用此服务台：已将你（ana）添加为管理员" in done.stderr
    done = deskline({**env, "LANG": "zh_CN.UTF-8"}, "bulk", "tag", "T-1", check=False)
    assert (done.returncode, done.stderr) == (
        2,
        "deskline：没有标签变更：用 +标签 添加，-标签 移除\n",
    )
    done = deskline({**env, "LANG": "zh_CN.UTF-8", "LC_ALL": "C"}, "macros")
    assert done.stdout.startswith("no macros: add [[macro]]")


def test_a_store_error_is_said_in_chinese_and_english_is_unchanged(tmp_path, monkeypatch, capsys):
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    missing = tmp_path / "nowhere" / "desk.db"
    code, out, err = run(monkeypatch, capsys, "--lang", "zh_CN", "--db", str(missing), "list")
    assert (code, out) == (1, "")
    assert err == f"deskline：无法打开数据库 {missing}：文件夹 {missing.parent} 不存在\n"
    code, _, err = run(monkeypatch, capsys, "--db", str(missing), "list")
    assert (
        err == f"deskline: cannot open database {missing}: folder {missing.parent} does not exist\n"
    )
    assert not missing.parent.exists()
    code, _, err = run(monkeypatch, capsys, "--lang", "zh_CN", "--db", str(tmp_path), "list")
    assert err == f"deskline：无法打开数据库 {tmp_path}：这是一个文件夹；请指定其中的一个文件\n"
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE orders (id INTEGER)")
    code, _, err = run(monkeypatch, capsys, "--lang", "zh_CN", "--db", str(foreign), "list")
    assert code == 1 and err.startswith("deskline：sqlite:///") and "中有数据表，但没有" in err
    code, _, err = run(monkeypatch, capsys, "--lang", "zh_CN", "--db", "mysql://x@h/d", "list")
    assert code == 1 and err.startswith("deskline：不支持的数据库 URL mysql://x@h/d：")


def _store_messages() -> list[str]:
    """Each StoreError storage raises, its placeholders filled with ``X``."""
    found = []
    for name in ("engine.py", "migrate.py", "store.py"):
        tree = ast.parse((ROOT / "storage" / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Raise)
                and isinstance(node.exc, ast.Call)
                and getattr(node.exc.func, "id", None) == "StoreError"
            ):
                text = node.exc.args[0]
                if isinstance(text, ast.JoinedStr):
                    found.append(
                        "".join(
                            v.value if isinstance(v, ast.Constant) else "X" for v in text.values
                        )
                    )
                else:
                    found.append(text.value)
    return found


def test_every_store_error_storage_raises_has_its_chinese_words():
    messages = _store_messages()
    assert len(messages) >= 14
    with speaking("zh_CN"):
        for message in messages:
            said = store_error(message)
            assert said != message and not said.isascii(), message
    with speaking("en"):
        assert [store_error(m) for m in messages] == messages
    assert store_error("database is locked somewhere else") == "database is locked somewhere else"
    assert len(STORE_ERRORS) == len(set(STORE_ERRORS))


USAGE_ERRORS = [
    (("--nope",), "No such option: --nope", "没有这个选项：--nope", "deskline"),
    (
        ("lisst",),
        "No such command 'lisst'. Did you mean 'list'?",
        "没有命令 'lisst'。你要找的是不是 'list'？",
        "deskline",
    ),
    (("show",), "Missing argument 'KEY'.", "缺少参数 'KEY'。", "deskline show"),
    (("new",), "Missing option '--title' / '-t'.", "缺少选项 '--title' / '-t'。", "deskline new"),
    (
        ("search", "x", "--limit", "abc"),
        "Invalid value for '--limit': Input should be a valid integer, unable to parse string as "
        "an integer",
        "'--limit' 的值无效：应为整数，无法把输入解析为整数",
        "deskline search",
    ),
    (
        ("dashboard", "--refresh", "100"),
        "Invalid value for '--refresh': Input should be less than or equal to 60",
        "'--refresh' 的值无效：应小于或等于 60",
        "deskline dashboard",
    ),
    (
        ("show", "T-1", "T-2"),
        "Got unexpected extra argument(s) (T-2)",
        "多余的参数（T-2）",
        "deskline show",
    ),
    (
        ("list", "--sort"),
        "No such option: --sort (Possible options: --json, --jsonl, --priority)",
        "没有这个选项：--sort（可用的选项：--json, --jsonl, --priority）",
        "deskline list",
    ),
]


@pytest.mark.parametrize(("args", "english", "chinese", "command"), USAGE_ERRORS)
def test_clicks_own_usage_errors_are_said_in_chinese(cli, args, english, chinese, command):
    code, out, err = _lang(cli, "zh_CN", *args)
    assert (code, out, err) == (2, "", f"deskline：{chinese}（参见 `{command} --help`）\n")
    code, out, err = _lang(cli, "en", *args)
    assert (code, out, err) == (2, "", f"deskline: {english} (see `{command} --help`)\n")


def test_a_usage_error_with_our_own_reason_says_both_in_chinese(cli, monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    code, _, err = run(monkeypatch, cli.capsys, "--lang", "xx", "list")
    assert code == 2
    reason = "deskline 支持 en, zh_CN，不支持 xx"
    assert err == f"deskline：'--lang' 的值无效：{reason}（参见 `deskline --help`）\n"
