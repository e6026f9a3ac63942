"""The ``[keys]`` and ``[ui]`` sections of deskline.toml: the user's own key bindings, the
theme, ASCII glyphs and the user's themes. The file gives them; the app checks the
binding ids, the theme names and the colours, which it alone knows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from deskline.core.config.reader import Reader, boolean, text
from deskline.core.config.toml_text import toml_value

UI_KEYS = ("theme", "ascii", "themes")


@dataclass(frozen=True)
class UiConfig:
    """``[ui]``: the theme, ASCII glyphs, and users' own themes (checked by the app)."""

    theme: str | None = None
    ascii: bool = False
    themes: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> slot -> colour


def parse_keys(read: Reader, data: Mapping[str, Any]) -> dict[str, str]:
    """``[keys]``: binding id = "key[,key]". The app checks the ids it knows."""
    keys = read.table(data.get("keys", {}), "keys")
    for name, value in keys.items():
        if not isinstance(value, str) or not value.strip():
            raise read.fail(f"keys.{name}", f'must be a key text like "ctrl+n", not {value!r}')
    return {name: value.strip() for name, value in keys.items()}


def parse_ui(read: Reader, data: Mapping[str, Any]) -> UiConfig:
    """``[ui]``: theme name, ascii, ``[ui.themes.NAME]`` tables (their colours: the app)."""
    ui = read.table(data.get("ui", {}), "ui")
    read.only(ui, "ui", UI_KEYS)
    themes = read.table(ui.get("themes", {}), "ui.themes")
    return UiConfig(
        theme=read.get(ui, "theme", "ui", text) if "theme" in ui else None,
        ascii=read.get(ui, "ascii", "ui", boolean) if "ascii" in ui else False,
        themes={
            name: dict(read.table(table, f"ui.themes.{name}")) for name, table in themes.items()
        },
    )


def to_toml(keys: Mapping[str, str], ui: UiConfig) -> str:
    """``[keys]`` and ``[ui]`` as deskline.toml text: only what the file set, since their
    defaults are the app's; empty when it set nothing. Each table starts on a blank line."""
    rows = "".join(f"{name} = {toml_value(value)}\n" for name, value in keys.items())
    written = f"\n[keys]\n{rows}" if rows else ""
    ui_lines = ([f"theme = {toml_value(ui.theme)}\n"] if ui.theme else []) + (
        ["ascii = true\n"] if ui.ascii else []
    )
    written += f"\n[ui]\n{''.join(ui_lines)}" if ui_lines else ""
    for name, table in ui.themes.items():
        colours = "".join(f"{key} = {toml_value(value)}\n" for key, value in table.items())
        written += f"\n[ui.themes.{toml_value(name)}]\n{colours}"
    return written
