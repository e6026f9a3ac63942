"""The built-in themes are plain colour tables the command line prints with, without loading
Textual; a desk's own themes are read by Textual's colour parser."""

from __future__ import annotations

import subprocess
import sys

from deskline.themes.builtin import BUILT_IN
from deskline.themes.colours import BUILT_IN_COLOURS


def test_the_built_in_themes_are_the_colour_tables():
    assert list(BUILT_IN) == list(BUILT_IN_COLOURS)
    for name, theme in BUILT_IN.items():
        table = BUILT_IN_COLOURS[name]
        assert theme.dark == table.dark and theme.variables == dict(table.variables)
        assert {slot: getattr(theme, slot) for slot in table.base} == dict(table.base)


def look_in_a_subprocess(config) -> list[str]:
    probe = (
        "import sys\n"
        "from deskline.core.config.settings import load_config\n"
        "from deskline.tui.look import look_of\n"
        f"look = look_of(load_config({str(config)!r}))\n"
        "print(look.theme, look.colours['sla-breached'], len(look.problems))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))[:1])\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_the_cli_chooses_a_built_in_theme_without_textual(tmp_path):
    config = tmp_path / "deskline.toml"
    config.write_text('[ui]\ntheme = "deskline-light"\n', encoding="utf-8")
    light = BUILT_IN_COLOURS["deskline-light"].variables["sla-breached"]
    assert look_in_a_subprocess(config) == [f"deskline-light {light} 0", "[]"]


def test_user_themes_are_read_by_textuals_colour_parser(tmp_path):
    config = tmp_path / "deskline.toml"
    config.write_text(
        '[ui]\ntheme = "night"\n\n[ui.themes.night]\nprimary = "rebeccapurple"\n'
        'background = "hsl(220, 16%, 22%)"\nsla-breached = "#F77"\n\n'
        '[ui.themes.broken]\nprimary = "#zzzzzz"\n',
        encoding="utf-8",
    )
    said = look_in_a_subprocess(config)
    assert said[0] == "night #FF7777 1"  # the broken theme is the one problem
