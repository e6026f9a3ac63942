"""Theme colours read without Textual mean what Textual makes of them, and the command line
chooses its look (user themes checked) without loading Textual."""

from __future__ import annotations

import subprocess
import sys

import pytest
from textual._color_constants import COLOR_NAME_TO_RGB
from textual.color import Color, ColorParseError

from deskline.themes.builtin import BUILT_IN
from deskline.themes.colour import ColourError, parse_colour
from deskline.themes.colours import BUILT_IN_COLOURS

SAMPLES = [
    *COLOR_NAME_TO_RGB,
    "ansi_default",
    "#abc",
    "#abcd",
    "#A1B2C3",
    "#a1b2c3d4",
    "#FFFFFF00",
    "rgb(1,2,3)",
    "rgb( 300 , -5, 7.9 )",
    "rgba(1,2,3,0.5)",
    "rgba(1,2,3,2)",
    "hsl(120,50%,50%)",
    "hsla(400, 100%, 25%, 0.3)",
    "hsl(-30,10%,90%)",
    # not colours
    "#zzzzzz",
    "#12345",
    "red ",
    "Red",
    "",
    "rgb(1,2)",
    "hsl(1,2,3)",
    "nosuchcolour",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_a_colour_reads_as_textual_reads_it(text):
    try:
        theirs = Color.parse(text)
    except ColorParseError:
        with pytest.raises(ColourError):
            parse_colour(text)
        return
    ours = parse_colour(text)
    assert ours.hex == theirs.hex
    assert ours.brightness == pytest.approx(theirs.brightness)


def test_the_built_in_themes_are_the_colour_tables():
    assert list(BUILT_IN) == list(BUILT_IN_COLOURS)
    for name, theme in BUILT_IN.items():
        table = BUILT_IN_COLOURS[name]
        assert theme.dark == table.dark and theme.variables == dict(table.variables)
        assert {slot: getattr(theme, slot) for slot in table.base} == dict(table.base)


def test_the_cli_checks_user_themes_without_textual(tmp_path):
    config = tmp_path / "deskline.toml"
    config.write_text(
        '[ui]\ntheme = "night"\n\n[ui.themes.night]\nprimary = "rebeccapurple"\n'
        'background = "hsl(220, 16%, 22%)"\nsla-breached = "#F77"\n\n'
        '[ui.themes.broken]\nprimary = "#zzzzzz"\n',
        encoding="utf-8",
    )
    probe = (
        "import sys\n"
        "from deskline.core.config.settings import load_config\n"
        "from deskline.tui.look import look_of\n"
        f"look = look_of(load_config({str(config)!r}))\n"
        "print(look.theme, look.colours['sla-breached'], len(look.problems))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["night #FF7777 1", "[]"]
