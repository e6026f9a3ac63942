"""Which language a text is said in: the names a locale may carry, the order of --lang,
[ui] language and the environment, and a block speaking another language."""

from __future__ import annotations

import pytest

from deskline.core.language import (
    SOURCE,
    _,
    choose,
    current,
    from_environment,
    language,
    normalise,
    speaking,
    use,
)
from deskline.core.language.dates import day, span


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("zh_CN.UTF-8", "zh_CN"),
        ("zh-cn", "zh_CN"),
        ("zh", "zh_CN"),
        ("zh_CN@stroke", "zh_CN"),
        ("C", "en"),
        ("POSIX", "en"),
        ("en_GB.UTF-8", "en"),
        ("fr_FR", None),
        ("", None),
        (None, None),
    ],
)
def test_a_locale_name_becomes_a_catalogue_code(name, code):
    assert normalise(name) == code


def test_lang_then_the_setting_then_the_environment():
    env = {"LANG": "zh_CN.UTF-8"}
    assert choose(None, None, env).code == "zh_CN"
    assert choose(None, "en", env).code == "en"
    assert choose("zh_CN", "en", {}).code == "zh_CN"
    assert choose(None, None, {"LANG": "zh_CN.UTF-8", "LC_ALL": "C"}).code == "en"
    assert choose(None, None, {"LANG": "de_DE.UTF-8"}).code == SOURCE
    assert choose("xx", None, env).code == "zh_CN"  # unusable: the next one says


def test_lc_all_then_lc_messages_then_lang():
    assert from_environment({"LANG": "a", "LC_MESSAGES": "b", "LC_ALL": "c"}) == "c"
    assert from_environment({"LANG": "a", "LC_MESSAGES": "b", "LC_ALL": ""}) == "b"
    assert from_environment({"LANG": "a"}) == "a"
    assert from_environment({}) is None


def test_speaking_changes_the_language_for_a_block_only():
    assert current().code == SOURCE
    with speaking("zh_CN"):
        assert _("breached") == "已超时"
        with speaking(None):
            assert current().code == "zh_CN"
    assert _("breached") == "breached"
    use("zh_CN")
    try:
        assert _("breached") == "已超时"
    finally:
        use(SOURCE)
    assert _("a text of no catalogue") == "a text of no catalogue"
    with speaking("zh_CN"):
        assert _("") == ""  # not the catalogue's header


def test_dates_and_spans_read_as_the_language_writes_them():
    from datetime import date, timedelta

    wednesday = date(2026, 12, 2)
    assert day(wednesday, language("zh_CN")) == "12月2日周三"
    assert day(wednesday, language("en")) == "Wed, Dec 2"
    assert span(timedelta(hours=2), language("zh_CN")) == "2小时"
    with speaking("zh_CN"):
        assert span(timedelta(minutes=5)) == "5分钟"
