"""The reader: every converter's complaint comes out as one ConfigError naming the file and
the key path, and good values come out cleaned."""

from __future__ import annotations

from datetime import timedelta

import pytest

from deskline.core.config.reader import (
    ConfigError,
    Reader,
    array,
    boolean,
    check_target,
    duration,
    factor,
    percent,
    text,
    tier,
    wall_span,
)
from deskline.core.sla.calendar import Duration

READ = Reader("desk/deskline.toml")
hours_only = wall_span("a window is minutes or hours, not business days")


@pytest.mark.parametrize(
    ("convert", "value", "problem"),
    [
        (duration, 2, 'must be a duration text like "2h", not 2'),
        (duration, "2 hours", "bad duration '2 hours'"),
        (duration, "1001bd", "1001bd is too long: keep targets within 1000bd or 10000h"),
        (duration, "10001h", "10001h is too long: keep targets within 1000bd or 10000h"),
        (hours_only, "2bd", "'2bd': a window is minutes or hours, not business days"),
        (hours_only, "soon", "bad duration 'soon'"),
        (text, "  ", "must be a non-empty text, not '  '"),
        (text, 5, "must be a non-empty text, not 5"),
        (boolean, "yes", "must be true or false, not 'yes'"),
        (boolean, 1, "must be true or false, not 1"),
        (percent, 0, "must be a number above 0 and at most 100, not 0"),
        (percent, True, "must be a number above 0 and at most 100, not True"),
        (percent, 100.5, "must be a number above 0 and at most 100, not 100.5"),
        (factor, 11, "must be a number above 0 and at most 10 (0.5 halves), not 11"),
        (factor, "half", "must be a number above 0 and at most 10 (0.5 halves), not 'half'"),
        (tier, "gold", 'must be "standard" or "vip", not \'gold\''),
        (array, "P1", "must be a list, not 'P1'"),
    ],
)
def test_a_bad_value_is_one_error_naming_the_file_and_the_key_path(convert, value, problem):
    with pytest.raises(ConfigError) as err:
        READ.get({"key": value}, "key", "sla.P1", convert)
    said = str(err.value)
    assert said.startswith("desk/deskline.toml: sla.P1.key: ")
    assert problem in said and "\n" not in said


def test_a_top_level_key_is_named_alone():
    with pytest.raises(ConfigError, match=r"^deskline.toml: templates: must be a list, not 3$"):
        Reader("deskline.toml").get({"templates": 3}, "templates", "", array)


def test_good_values_come_out_cleaned():
    assert READ.get({"k": " Billing "}, "k", "routing", text) == "Billing"
    assert READ.get({"k": 75}, "k", "sla", percent) == 75.0
    assert READ.get({"k": 0.5}, "k", "sla", factor) == 0.5
    assert READ.get({"k": "1h30m"}, "k", "surge", hours_only) == timedelta(minutes=90)
    assert READ.get({"k": "3bd"}, "k", "sla", duration) == Duration(business_days=3)
    assert READ.get({"k": False}, "k", "alerts", boolean) is False
    assert READ.get({"k": "vip"}, "k", "sla", tier) == "vip"


def test_the_longest_target_is_accepted_and_one_more_is_not():
    assert check_target(Duration(business_days=1000)) == Duration(business_days=1000)
    assert check_target(Duration(seconds=10_000 * 3600)) == Duration(seconds=10_000 * 3600)
    with pytest.raises(ValueError, match="1001bd is too long"):
        check_target(Duration(business_days=1001))


def test_an_unknown_key_names_its_path_and_what_is_allowed():
    with pytest.raises(ConfigError) as err:
        READ.only({"url": "x", "colour": "red"}, "alerts.webhook", ("url", "levels"))
    assert str(err.value) == (
        "desk/deskline.toml: alerts.webhook.colour: unknown key; expected one of url, levels"
    )


def test_a_value_that_should_be_a_table_says_so():
    with pytest.raises(ConfigError, match=r"^desk/deskline.toml: ui.themes.mine: must be a table$"):
        READ.table("blue", "ui.themes.mine")


def test_a_config_error_exits_2():
    assert ConfigError("x").exit_code == 2
