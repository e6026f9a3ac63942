"""Themes: every SLA state reads in every theme, for colour-blind eyes, in 256 colours and none.

Snapshots run on the demo desk with a frozen clock. Contrast and colour-blind checks are
computed here from the themes' own colours (WCAG 2.x relative luminance; Machado, Oliveira
and Fernandes 2009 simulation matrices at full severity; CIE76 colour difference in Lab).
"""

from __future__ import annotations

import html
import itertools
import math
import os
import re
import subprocess
import sys
import time
import tomllib
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import DEMO_ME, DEMO_NOW, need_tool, workers_done
from rich.color import Color, ColorSystem

from deskline.core.config.settings import load_config
from deskline.core.desk.tickets import Desk
from deskline.core.sla.defaults import default_rules
from deskline.storage.store import Store
from deskline.themes import palette
from deskline.themes.builtin import BUILT_IN, DEFAULT_THEME, SLA_VARIABLES, variables_of
from deskline.themes.palette import SLA_LOOK, SLA_STATES, priority_style, sla_style
from deskline.themes.saved import SaveProblem, save_theme, with_theme
from deskline.themes.user import user_theme, user_themes
from deskline.tui.look import look_of
from deskline.tui.workspace.app import DesklineApp

NOW, ME = DEMO_NOW, DEMO_ME
THEMES = list(BUILT_IN)
WATCHED = ("ok", "warning", "at_risk", "breached")  # the states a supervisor tells apart


@pytest.fixture(autouse=True)
def unicode_glyphs():
    """``[ui] ascii`` switches glyphs for the whole process: every test starts and ends clean."""
    palette.use_ascii(False)
    yield
    palette.use_ascii(False)


def desk_on(path: Path, now=lambda: NOW) -> Desk:
    return Desk(Store.open(str(path)), ME, now=now, rules=default_rules())


async def settled(pilot) -> None:
    for _ in range(4):
        await pilot.pause()
        await workers_done(pilot.app)
    await pilot.pause()


def screen_text(app) -> str:
    """What the terminal shows, as text (from the SVG Textual exports)."""
    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


# -- snapshots ---------------------------------------------------------------------------


@pytest.mark.parametrize("theme", THEMES)
def test_workspace_in_each_theme(snap_compare, demo_copy, theme):
    app = DesklineApp(desk_on(demo_copy), look=look_of(None, theme))
    assert app.theme == theme
    assert snap_compare(app, terminal_size=(100, 30), run_before=settled)


def test_workspace_without_colour(snap_compare, demo_copy, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(
        DesklineApp(desk_on(demo_copy)), terminal_size=(100, 30), run_before=settled
    )


# -- contrast: WCAG AA ---------------------------------------------------------------------


def luminance(hex_colour: str) -> float:
    """WCAG 2.x relative luminance."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = Color.parse(hex_colour).get_truecolor()
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_helper_matches_wcag_reference_values():
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)  # famously just fails


@pytest.mark.parametrize("theme", THEMES)
def test_sla_colours_and_body_text_reach_wcag_aa(theme):
    colours = variables_of(BUILT_IN[theme])
    short = []
    for ground in ("background", "surface"):
        for name in (*SLA_VARIABLES, "foreground"):
            ratio = contrast(colours[name], colours[ground])
            if ratio < 4.5:
                short.append(f"{name} on {ground}: {ratio:.2f}")
        # the unfocused cursor row is bold: WCAG's large-text level (3:1) applies there
        for name in SLA_VARIABLES:
            ratio = contrast(colours[name], colours["selection"])
            if ratio < 3.0:
                short.append(f"{name} on selection: {ratio:.2f}")
    assert not short, f"{theme}: " + ", ".join(short)


# -- colour-blind safety -----------------------------------------------------------------

# Machado, Oliveira & Fernandes (2009), severity 1.0, applied to linear RGB.
DEUTERANOPIA = (
    (0.367322, 0.860646, -0.227968),
    (0.280085, 0.672501, 0.047413),
    (-0.011820, 0.042940, 0.968881),
)
PROTANOPIA = (
    (0.152286, 1.052583, -0.204868),
    (0.114503, 0.786281, 0.099216),
    (-0.003882, -0.048116, 1.051998),
)
MIN_DELTA_E = 15.0  # CIE76; 2.3 is a just-noticeable difference, 15 reads as another colour


def simulated_lab(hex_colour: str, matrix) -> tuple[float, float, float]:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    rgb = [linear(c) for c in Color.parse(hex_colour).get_truecolor()]
    r, g, b = (
        min(1.0, max(0.0, sum(m * c for m, c in zip(row, rgb, strict=True)))) for row in matrix
    )
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def test_simulation_turns_red_and_green_alike():
    # The check below could fail: pure red and a matched green collapse under deuteranopia.
    red, green = simulated_lab("#FF0000", DEUTERANOPIA), simulated_lab("#9A9A00", DEUTERANOPIA)
    assert math.dist(red, green) < MIN_DELTA_E


@pytest.mark.parametrize(
    "name, matrix", [("deuteranopia", DEUTERANOPIA), ("protanopia", PROTANOPIA)]
)
def test_colorblind_theme_keeps_states_apart_under_simulation(name, matrix):
    colours = variables_of(BUILT_IN["deskline-colorblind"])
    labs = {s: simulated_lab(colours[palette.sla_variable(s)], matrix) for s in WATCHED}
    close = [
        f"{a}/{b}: {math.dist(labs[a], labs[b]):.1f}"
        for a, b in itertools.combinations(WATCHED, 2)
        if math.dist(labs[a], labs[b]) < MIN_DELTA_E
    ]
    assert not close, f"under {name}: " + ", ".join(close)


# -- fewer colours: 256 and none --------------------------------------------------------


@pytest.mark.parametrize("theme", THEMES)
def test_states_stay_distinct_in_256_colours(theme):
    colours = variables_of(BUILT_IN[theme])
    rounded = {
        s: Color.parse(colours[palette.sla_variable(s)]).downgrade(ColorSystem.EIGHT_BIT).number
        for s in SLA_STATES
    }
    assert len(set(rounded.values())) == len(SLA_STATES), rounded


def test_every_state_has_its_own_glyph_and_word_in_unicode_and_ascii():
    for ascii_only in (False, True):
        palette.use_ascii(ascii_only)
        glyphs = [SLA_LOOK[s].glyph for s in SLA_STATES]
        words = [SLA_LOOK[s].word for s in SLA_STATES]
        assert len(set(glyphs)) == len(glyphs) == len(set(words))
        assert all(g.isascii() for g in glyphs) == ascii_only
    assert SLA_LOOK["at_risk"].label == "^ at risk"


def test_styles_come_from_the_theme_variables():
    light = variables_of(BUILT_IN["deskline-light"])
    assert sla_style(light, "at_risk").color == Color.parse(light["sla-at-risk"])
    assert sla_style(light, "breached").bold
    assert priority_style(light, "P0").color == Color.parse(light["priority-p0"])
    # a theme missing a colour still shows the glyph and word, uncoloured, never an error
    assert sla_style({}, "ok").color is None


def workspace_states(desk: Desk, clock: list[datetime]) -> None:
    """Tickets whose clocks are in the states the demo lacks at NOW: warning and missed."""
    clock[0] = NOW - timedelta(hours=3, minutes=5)  # P1 resolution 4h: past the 1h warning
    warn = desk.create("Printer queue stuck for finance", priority="P1")
    desk.take(warn.key)
    desk.reply(warn.key, "Looking at the spooler now")
    clock[0] = NOW - timedelta(hours=1)
    late = desk.create("Checkout returns 502 for everyone", priority="P0")
    desk.take(late.key)
    clock[0] = NOW - timedelta(minutes=30)  # P0 first response 15m: answered late
    desk.reply(late.key, "We are on it")
    clock[0] = NOW


def spread(hex_colour: str) -> int:
    """How far a colour is from grey (0: grey)."""
    channels = [int(hex_colour[i : i + 2], 16) for i in (0, 2, 4)]
    return max(channels) - min(channels)


async def test_without_colour_every_state_shows_by_glyph_and_word(demo_copy, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    clock = [NOW]
    desk = desk_on(demo_copy, now=lambda: clock[0])
    workspace_states(desk, clock)
    app = DesklineApp(desk)
    async with app.run_test(size=(100, 30)) as pilot:
        await settled(pilot)
        screen = app.screen
        screen.view_name = "open"
        screen.load_queue()
        await settled(pilot)
        queue = screen.queue_view
        seen: dict[str, str] = {}
        for index, number in enumerate(queue.numbers):
            [ticket] = desk.tickets([number])
            if ticket.sla is None:
                continue
            states = {c.state.value for c in (ticket.sla.first_response, ticket.sla.resolution)}
            if states <= seen.keys():
                continue
            queue.cursor = index
            queue.scroll_to_cursor()
            await settled(pilot)
            shown = screen_text(app)
            for state in states - seen.keys():
                assert SLA_LOOK[state].label in shown, f"{state} on {ticket.key}"
                seen[state] = ticket.key
        assert set(seen) == set(SLA_STATES), f"states shown: {sorted(seen)}"
        svg = app.export_screenshot()
        # text styles and cell backgrounds (the window's traffic lights are not the app's)
        fills = set(re.findall(r"-r\d+ \{ fill: #([0-9a-f]{6})", svg))
        fills |= set(re.findall(r'<rect fill="#([0-9a-f]{6})"', svg))
        coloured = {f for f in fills if spread(f) > 8}
        assert fills and not coloured, f"colours on a NO_COLOR screen: {sorted(coloured)}"


# -- choosing a theme ------------------------------------------------------------------


def write_config(path: Path, text: str):
    path.write_text(text, encoding="utf-8")
    return load_config(str(path))


def test_config_theme_is_used_and_ascii_glyphs_shown(demo_copy, tmp_path):
    config = write_config(
        tmp_path / "deskline.toml", '[ui]\ntheme = "deskline-light"\nascii = true\n'
    )
    look = look_of(config)
    assert (look.theme, look.ascii, look.problems) == ("deskline-light", True, [])
    assert (
        look_of(config, "deskline-high-contrast").theme == "deskline-high-contrast"
    )  # --theme wins


async def test_ascii_glyphs_in_the_workspace(demo_copy, tmp_path):
    config = write_config(tmp_path / "deskline.toml", "[ui]\nascii = true\n")
    app = DesklineApp(desk_on(demo_copy), config)
    async with app.run_test(size=(100, 30)) as pilot:
        await settled(pilot)
        shown = screen_text(app)
    assert "o 0:" in shown and "= paused" in shown and "^ " in shown
    assert not {"●", "▲", "⏸", "✓"} & set(shown)


def test_user_theme_from_config(tmp_path):
    config = write_config(
        tmp_path / "deskline.toml",
        '[ui]\ntheme = "night"\n\n[ui.themes.night]\nprimary = "#88C0D0"\n'
        'background = "#2E3440"\nforeground = "#ECEFF4"\nsla-breached = "#FF7A85"\n',
    )
    look = look_of(config)
    assert look.theme == "night" and look.problems == []
    night = look.themes["night"]
    assert night.dark and night.variables["sla-breached"] == "#FF7A85"
    assert night.variables["sla-ok"] == BUILT_IN[DEFAULT_THEME].variables["sla-ok"]  # inherited


@pytest.mark.parametrize(
    "table, problem",
    [
        ('primary = "#zzzzzz"', "ui.themes.mine.primary: '#zzzzzz' is not a colour"),
        ('primary = "#123456"\nsla-okay = "#00FF00"', "ui.themes.mine.sla-okay: unknown key"),
        ('background = "#000000"', "ui.themes.mine: needs at least primary"),
    ],
)
async def test_bad_user_theme_is_one_clear_line_and_the_default_is_used(
    demo_copy, tmp_path, table, problem
):
    path = tmp_path / "deskline.toml"
    config = write_config(path, f'[ui]\ntheme = "mine"\n\n[ui.themes.mine]\n{table}\n')
    look = look_of(config)
    assert look.theme == DEFAULT_THEME
    assert len(look.problems) == 2  # the theme's fault, then: no theme named mine
    assert look.problems[0].startswith(f"{path}: {problem}")
    assert "\n" not in "".join(look.problems)
    app = DesklineApp(desk_on(demo_copy), config)
    async with app.run_test(size=(100, 30)) as pilot:
        await settled(pilot)
        assert app.theme == DEFAULT_THEME
        assert problem in " ".join(n.message for n in app._notifications)


def test_user_theme_cannot_take_a_built_in_name():
    with pytest.raises(ValueError, match="built-in theme"):
        user_theme("deskline-dark", {"primary": "#FFFFFF"})


DESKLINE = [sys.executable, "-m", "deskline"]


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    full.update({"TZ": "UTC", "DESKLINE_NOW": NOW.isoformat(), **(env or {})})
    return subprocess.run([*DESKLINE, *args], capture_output=True, text=True, env=full)


def test_unknown_theme_option_is_one_line_and_exit_2(demo_copy, tmp_path):
    done = run_cli(
        "--db",
        str(demo_copy),
        "--as",
        ME,
        "--theme",
        "solarised",
        "list",
        "--all",
        env={"DESKLINE_CONFIG": str(write_path(tmp_path))},
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "deskline: --theme: no theme named 'solarised'; one of "
        "deskline-dark, deskline-light, deskline-high-contrast, deskline-colorblind"
    ]


def write_path(tmp_path: Path) -> Path:
    path = tmp_path / "deskline.toml"
    if not path.exists():
        path.write_text("[ui]\n", encoding="utf-8")
    return path


ESCAPE_COLOUR = re.compile(r"\x1b\[[0-9;]*(3[0-9]|4[0-9]|9[0-7]|10[0-7])(;[0-9;]*)?m")


def test_cli_output_has_colour_codes_only_without_no_color(demo_copy, tmp_path):
    args = ("--db", str(demo_copy), "--as", ME, "list", "--all")
    env = {"DESKLINE_CONFIG": str(write_path(tmp_path)), "TTY_COMPATIBLE": "1", "COLUMNS": "120"}
    run_cli("--db", str(demo_copy), "--as", ME, "list", env=env)  # its first use: told once
    coloured = run_cli(*args, env=env)
    plain = run_cli(*args, env={**env, "NO_COLOR": "1"})
    assert coloured.returncode == plain.returncode == 0, coloured.stderr + plain.stderr
    assert ESCAPE_COLOUR.search(coloured.stdout)  # the check can fail: colours are there
    assert not ESCAPE_COLOUR.search(plain.stdout)
    assert "● " in plain.stdout and "⏸ " in plain.stdout


# -- remembering the palette choice -------------------------------------------------------


async def test_theme_picked_in_the_palette_is_saved_to_the_config(demo_copy, tmp_path):
    original = (
        "# our desk\n[sla]\nat_risk_percent = 75  # earlier warnings\n\n"
        '[ui]\nascii = false\n\n[keys]\ntake = "T"\n'
    )
    path = tmp_path / "deskline.toml"
    config = write_config(path, original)
    app = DesklineApp(desk_on(demo_copy), config)
    async with app.run_test(size=(100, 30)) as pilot:
        await settled(pilot)
        await pilot.press("ctrl+p", *"theme")
        await settled(pilot)
        await pilot.press("enter")
        await settled(pilot)
        await pilot.press(*"deskline-colorblind", "enter")
        await settled(pilot)
        assert app.theme == "deskline-colorblind"
    saved = path.read_text(encoding="utf-8")
    assert saved == original.replace("[ui]\n", '[ui]\ntheme = "deskline-colorblind"\n')
    assert load_config(str(path)).ui.theme == "deskline-colorblind"


def test_saving_keeps_every_other_line(tmp_path):
    text = "# mine\n[ui]\ntheme = 'deskline-light'  # bright office\nascii = true\n"
    assert with_theme(text, "deskline-dark") == text.replace("'deskline-light'", '"deskline-dark"')
    assert tomllib.loads(with_theme("a = 1", "x")) == {"a": 1, "ui": {"theme": "x"}}
    path = tmp_path / "new" / "deskline.toml"
    save_theme(path, "deskline-light")  # no file yet: created with just the choice
    assert path.read_text() == '[ui]\ntheme = "deskline-light"\n'


def test_saving_refuses_a_file_it_cannot_edit_safely(tmp_path):
    path = tmp_path / "deskline.toml"
    path.write_text("ui = { ascii = true }\n", encoding="utf-8")  # inline table: no edit
    with pytest.raises(SaveProblem, match="not saved"):
        save_theme(path, "deskline-light")
    assert path.read_text() == "ui = { ascii = true }\n"


# -- a real terminal: tmux with 256 colours ------------------------------------------------


WANTED = {"●", "▲", "⏸", "✖"}  # ok, at risk and paused in the queue, breached in the pane


def test_tmux_256_colours_show_distinct_states(demo_copy, tmp_path):
    tmux = need_tool("tmux")
    session = f"themes-{os.getpid()}"
    env = (
        f"env -u COLORTERM -u NO_COLOR TERM=screen-256color TZ=UTC DESKLINE_NOW={NOW.isoformat()}"
        f" DESKLINE_CONFIG={write_path(tmp_path)}"
    )
    command = f"{env} {' '.join(DESKLINE[:2])} '{DESKLINE[2]}' --db {demo_copy} --as {ME}"
    subprocess.run(
        [
            tmux,
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            session,
            "-x",
            "100",
            "-y",
            "40",
            command,
        ],
        check=True,
    )
    try:
        colours: dict[str, set[str]] = {}
        deadline = time.monotonic() + 30
        # the last page and the first in turn: a key that lands before the rows do must not
        # keep one end of the queue out of sight
        ends = itertools.cycle("Gg")
        while time.monotonic() < deadline and not WANTED <= colours.keys():
            time.sleep(0.5)
            pane = subprocess.run(
                [tmux, "capture-pane", "-p", "-e", "-t", session], capture_output=True, text=True
            ).stdout
            for code, glyph in re.findall(r"\x1b\[38;5;(\d+)m([●▲⏸✖◆])", pane):
                colours.setdefault(glyph, set()).add(code)
            if "My tickets" in pane:  # loaded: the paused tickets sit at the bottom
                subprocess.run([tmux, "send-keys", "-t", session, next(ends)], check=True)
        assert WANTED <= colours.keys(), f"{colours}\n{pane}"
        assert "\x1b[38;2;" not in pane  # the terminal said 256 colours: none true colour
        for (a, codes_a), (b, codes_b) in itertools.combinations(colours.items(), 2):
            assert not codes_a & codes_b, f"{a} and {b} share a colour: {colours}"
    finally:
        subprocess.run([tmux, "kill-session", "-t", session], check=False)


# -- the dashboard ---------------------------------------------------------------------


@pytest.mark.parametrize("theme", THEMES)
def test_dashboard_in_each_theme(snap_compare, demo_copy, theme):
    from deskline.tui.dashboard.app import DashboardApp

    app = DashboardApp(desk_on(demo_copy))
    for built_in in BUILT_IN.values():
        app.register_theme(built_in)
    app.theme = theme
    assert snap_compare(app, terminal_size=(120, 40), run_before=settled)


def test_dashboard_once_without_colour_has_no_colour_codes(demo_copy, tmp_path):
    args = ("--db", str(demo_copy), "--as", ME, "dashboard", "--once")
    env = {"DESKLINE_CONFIG": str(write_path(tmp_path)), "TTY_COMPATIBLE": "1", "COLUMNS": "120"}
    run_cli("--db", str(demo_copy), "--as", ME, "list", env=env)  # its first use: told once
    coloured = run_cli(*args, env=env)
    plain = run_cli(*args, env={**env, "NO_COLOR": "1"})
    assert coloured.stdout.strip() and coloured.stderr == plain.stderr == ""
    assert ESCAPE_COLOUR.search(coloured.stdout)  # the check can fail: colours are there
    assert not ESCAPE_COLOUR.search(plain.stdout)
    assert SLA_LOOK["breached"].label in plain.stdout


def test_a_theme_problem_is_english_text_and_said_in_the_person_s_language():
    from deskline.core.language import _, speaking
    from deskline.themes.said import say

    _mine, problems = user_themes({"mine": {"primary": "nope"}}, "deskline.toml")
    english = (
        "deskline.toml: ui.themes.mine.primary: 'nope' is not a colour (try \"#RRGGBB\"); "
        "the default theme is used instead"
    )
    assert problems == [english] and say(problems[0], _) == english
    with speaking("zh_CN"):
        said = say(problems[0], _)
    assert said == (
        "deskline.toml: ui.themes.mine.primary：'nope' 不是颜色（请用 \"#RRGGBB\"）；改用默认主题"
    )
