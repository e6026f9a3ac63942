"""``[keys]`` and ``[ui]`` on their own: written only when the file set them, and read back
the same through tomllib."""

from __future__ import annotations

import tomllib

import pytest

from deskline.core.config.reader import ConfigError, Reader
from deskline.core.config.ui import UiConfig, parse_keys, parse_ui, to_toml

READ = Reader("deskline.toml")

UNUSUAL = """
[keys]
take = "ctrl+t,t"
quick_create = "ctrl+n"

[ui]
theme = "night shift"
ascii = true

[ui.themes."night shift"]
accent = "#ff8800"
sla-breached = "bold red"
"""


def test_keys_and_ui_read_back_the_same_through_tomllib():
    data = tomllib.loads(UNUSUAL)
    keys, ui = parse_keys(READ, data), parse_ui(READ, data)
    assert keys == {"take": "ctrl+t,t", "quick_create": "ctrl+n"}
    assert ui == UiConfig(
        "night shift", True, {"night shift": {"accent": "#ff8800", "sla-breached": "bold red"}}
    )
    again = tomllib.loads(to_toml(keys, ui))
    assert (parse_keys(READ, again), parse_ui(READ, again)) == (keys, ui)


def test_nothing_set_writes_nothing():
    assert parse_keys(READ, {}) == {} and parse_ui(READ, {}) == UiConfig()
    assert to_toml({}, UiConfig()) == ""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[keys]\ntake = 1", 'deskline.toml: keys.take: must be a key text like "ctrl+n", not 1'),
        ('[ui]\ntheme = " "', "deskline.toml: ui.theme: must be a non-empty text, not ' '"),
        ('[ui]\nascii = "yes"', "deskline.toml: ui.ascii: must be true or false, not 'yes'"),
        ('[ui]\nfont = "x"', "deskline.toml: ui.font: unknown key; expected one of theme, ascii"),
        ('[ui.themes]\nmine = "blue"', "deskline.toml: ui.themes.mine: must be a table"),
    ],
)
def test_a_mistake_names_the_key_path(text, message):
    data = tomllib.loads(text)
    with pytest.raises(ConfigError) as err:
        parse_keys(READ, data)
        parse_ui(READ, data)
    assert str(err.value).startswith(message)
