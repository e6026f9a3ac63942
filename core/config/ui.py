"""The person's own sections of deskline.toml: ``[keys]`` and ``[ui]`` (key bindings, the
theme, ASCII glyphs and the user's themes; the app checks the binding ids, the theme
names and the colours, which it alone knows), ``[database]`` (the desk to open) and
``[notify]`` (the bell and desktop notifications of this person's app)."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from platformdirs import user_config_dir

from deskline.core.config.reader import Reader, boolean, text
from deskline.core.config.toml_text import toml_value
from deskline.core.language import _, normalise, shipped

UI_KEYS = ("theme", "ascii", "themes", "language")
DATABASE_KEYS = ("url",)
NOTIFY_KEYS = ("bell", "desktop")
LEVELS = frozenset({0, 1, 2, 3})


@dataclass(frozen=True)
class NotifyPrefs:
    """``[notify]``: how this person's app tells them of their alerts."""

    bell: bool = True  # ring the terminal bell for a breach (level 3)
    desktop_levels: frozenset[int] = frozenset({1, 2, 3})  # desktop notifications for these


@dataclass(frozen=True)
class UiConfig:
    """``[ui]``: the theme, ASCII glyphs, the language, and users' own themes (checked by
    the app)."""

    theme: str | None = None
    ascii: bool = False
    themes: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> slot -> colour
    language: str | None = None  # a catalogue code; None: the locale's (LC_ALL, LANG, ...)


def parse_keys(read: Reader, data: Mapping[str, Any]) -> dict[str, str]:
    """``[keys]``: binding id = "key[,key]". The app checks the ids it knows."""
    keys = read.table(data.get("keys", {}), "keys")
    for name, value in keys.items():
        if not isinstance(value, str) or not value.strip():
            raise read.fail(
                f"keys.{name}",
                _('must be a key text like "ctrl+n", not {value}').format(value=repr(value)),
            )
    return {name: value.strip() for name, value in keys.items()}


def parse_ui(read: Reader, data: Mapping[str, Any]) -> UiConfig:
    """``[ui]``: theme name, ascii, ``[ui.themes.NAME]`` tables (their colours: the app)."""
    ui = read.table(data.get("ui", {}), "ui")
    read.only(ui, "ui", UI_KEYS)
    themes = read.table(ui.get("themes", {}), "ui.themes")
    return UiConfig(
        theme=read.get(ui, "theme", "ui", text) if "theme" in ui else None,
        ascii=read.get(ui, "ascii", "ui", boolean) if "ascii" in ui else False,
        language=read.get(ui, "language", "ui", _language) if "language" in ui else None,
        themes={
            name: dict(read.table(table, f"ui.themes.{name}")) for name, table in themes.items()
        },
    )


def _language(value: Any) -> str:
    code = normalise(value) if isinstance(value, str) else None
    if code is None:
        known = ", ".join(shipped())
        raise ValueError(
            _("must be a language deskline speaks ({known}), not {value}").format(
                known=known, value=repr(value)
            )
        )
    return code


def language_setting(explicit: str | None, env: Mapping[str, str]) -> str | None:
    """``[ui] language`` of the file ``find_config`` would read (``--config``, else
    DESKLINE_CONFIG, else the user config dir), read before anything else so ``--help``
    speaks it: None when there is no such file or setting, or it cannot be read (reading
    the whole file later says why)."""
    given = explicit or env.get("DESKLINE_CONFIG")
    path = (
        Path(given).expanduser() if given else Path(user_config_dir("deskline")) / "deskline.toml"
    )
    try:
        ui = tomllib.loads(path.read_text(encoding="utf-8")).get("ui", {})
        return normalise(ui.get("language")) if isinstance(ui, dict) else None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError, TypeError):
        return None


def parse_database(read: Reader, data: Mapping[str, Any]) -> str | None:
    """``[database] url``: the desk to open when neither --db nor DESKLINE_DB says."""
    table = read.table(data.get("database", {}), "database")
    read.only(table, "database", DATABASE_KEYS)
    return read.get(table, "url", "database", text) if "url" in table else None


def _levels(value: Any) -> frozenset[int]:
    if not isinstance(value, list) or any(isinstance(v, bool) or v not in LEVELS for v in value):
        raise ValueError(
            _("must be a list of alert levels from 0 to 3, like [2, 3], not {value}").format(
                value=repr(value)
            )
        )
    return frozenset(value)


def parse_notify(read: Reader, data: Mapping[str, Any]) -> NotifyPrefs:
    """``[notify]``: bell = true|false, desktop = [levels] (empty: no desktop notifications)."""
    table = read.table(data.get("notify", {}), "notify")
    read.only(table, "notify", NOTIFY_KEYS)
    prefs = NotifyPrefs()
    if "bell" in table:
        prefs = replace(prefs, bell=read.get(table, "bell", "notify", boolean))
    if "desktop" in table:
        prefs = replace(prefs, desktop_levels=read.get(table, "desktop", "notify", _levels))
    return prefs


def personal_toml(database: str | None, notify: NotifyPrefs) -> str:
    """``[database]`` (when set) and ``[notify]`` as deskline.toml text."""
    written = f"\n[database]\nurl = {toml_value(database)}\n" if database else ""
    return written + (
        f"\n[notify]\nbell = {toml_value(notify.bell)}\n"
        f"desktop = {toml_value(sorted(notify.desktop_levels))}\n"
    )


def to_toml(keys: Mapping[str, str], ui: UiConfig) -> str:
    """``[keys]`` and ``[ui]`` as deskline.toml text: only what the file set, since their
    defaults are the app's; empty when it set nothing. Each table starts on a blank line."""
    rows = "".join(f"{name} = {toml_value(value)}\n" for name, value in keys.items())
    written = f"\n[keys]\n{rows}" if rows else ""
    ui_lines = (
        ([f"theme = {toml_value(ui.theme)}\n"] if ui.theme else [])
        + (["ascii = true\n"] if ui.ascii else [])
        + ([f"language = {toml_value(ui.language)}\n"] if ui.language else [])
    )
    written += f"\n[ui]\n{''.join(ui_lines)}" if ui_lines else ""
    for name, table in ui.themes.items():
        colours = "".join(f"{key} = {toml_value(value)}\n" for key, value in table.items())
        written += f"\n[ui.themes.{toml_value(name)}]\n{colours}"
    return written
