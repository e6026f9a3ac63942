"""The CLI in zh_CN: chosen by --lang, else [ui] language, else LC_ALL / LC_MESSAGES / LANG;
errors are one line in that language, machine output stays English."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from processes import deskline, languageless_env

NO_TICKET_ZH = "deskline：没有工单 T-999：请用 `deskline list` 核对编号"
NO_TICKET_EN = "deskline: no ticket T-999: check the key with `deskline list`"


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    """A desk with one ticket, in no language of its own (the locale is C)."""
    env = languageless_env(tmp_path)
    deskline(env, "new", "-t", "打印机卡纸", "--customer", "Initech")
    return env


def error(env: dict[str, str], *args: str) -> tuple[int, str]:
    done = deskline(env, *args, check=False)
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    return done.returncode, lines[0]


def test_lang_option_gives_a_chinese_error_and_changes_nothing(env):
    before = deskline(env, "list", "--all", "--json").stdout
    assert error(env, "--lang", "zh_CN", "show", "T-999") == (1, NO_TICKET_ZH)
    assert error(env, "--lang=zh_CN", "show", "T-999") == (1, NO_TICKET_ZH)
    assert error(env, "--as", "ana", "--lang", "zh_CN", "show", "T-999") == (1, NO_TICKET_ZH)
    # after the command's name it is the command's own (none has --lang): a usage error
    assert error(env, "show", "T-999", "--lang", "zh_CN")[0] == 2
    assert error(env, "--lang", "zh_CN", "show", "T-x") == (
        2,
        "deskline：工单编号 'T-x' 无效：请使用 T-42 这样的格式",
    )
    assert deskline(env, "list", "--all", "--json").stdout == before


def test_the_locale_chooses_chinese_and_lc_all_rules_over_lang(env):
    assert error({**env, "LANG": "zh_CN.UTF-8"}, "show", "T-999") == (1, NO_TICKET_ZH)
    assert error({**env, "LC_MESSAGES": "zh_CN.UTF-8"}, "show", "T-999") == (1, NO_TICKET_ZH)
    both = {**env, "LANG": "zh_CN.UTF-8", "LC_ALL": "C"}
    assert error(both, "show", "T-999") == (1, NO_TICKET_EN)
    assert error({**env, "LANG": "fr_FR.UTF-8"}, "show", "T-999") == (1, NO_TICKET_EN)


def test_the_settings_language_rules_over_the_locale_and_lang_over_both(env):
    Path(env["DESKLINE_CONFIG"]).write_text('[ui]\nlanguage = "zh_CN"\n', encoding="utf-8")
    assert error(env, "show", "T-999") == (1, NO_TICKET_ZH)
    assert error({**env, "LANG": "en_GB.UTF-8"}, "show", "T-999") == (1, NO_TICKET_ZH)
    assert error(env, "--lang", "en", "show", "T-999") == (1, NO_TICKET_EN)


def test_a_language_deskline_lacks_is_one_line_and_exit_2(env):
    code, line = error(env, "--lang", "xx", "list")
    assert code == 2 and "deskline speaks en, zh_CN, not xx" in line
    Path(env["DESKLINE_CONFIG"]).write_text('[ui]\nlanguage = "xx"\n', encoding="utf-8")
    code, line = error(env, "list")
    assert code != 0 and "ui.language" in line and "zh_CN" in line


def test_a_usage_error_is_framed_in_chinese(env):
    code, line = error(env, "--lang", "zh_CN", "--nope")
    assert code == 2 and line.endswith("（参见 `deskline --help`）")


def test_the_top_level_help_is_chinese(env):
    shown = deskline(env, "--lang", "zh_CN", "--help").stdout
    assert shown.startswith("用法：deskline [OPTIONS] COMMAND [ARGS]...")
    assert "在终端里使用、以键盘为先的服务台。" in shown
    assert "界面语言，例如 zh_CN" in shown and "显示此帮助并退出。" in shown
    assert "选项:" in shown and "命令:" in shown
    assert "Usage:" in deskline(env, "--help").stdout


def test_machine_output_stays_english(env):
    listed = json.loads(deskline(env, "--lang", "zh_CN", "list", "--all", "--json").stdout)
    assert listed[0]["status"] == "new" and listed[0]["priority"] == "P2"
    assert "key" in listed[0] and "title" in listed[0]


def test_my_alert_language_is_set_and_shown(env):
    told = deskline(env, "me", "notify", "--language", "zh_CN.UTF-8", "--json").stdout
    assert json.loads(told)["language"] == "zh_CN"
    assert deskline(env, "me", "notify").stdout.strip().endswith("; alerts in zh_CN")
    code, line = error(env, "--lang", "zh_CN", "me", "notify", "--language", "xx")
    assert code == 2 and line.startswith("deskline：--language xx：deskline 支持 en, zh_CN")
    off = deskline(env, "me", "notify", "--language", "off", "--json").stdout
    assert json.loads(off)["language"] is None
