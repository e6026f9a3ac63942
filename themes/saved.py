"""Remember the theme picked in the command palette: ``[ui] theme`` in the user's deskline.toml.

Only that one key is written; every other line of the file (comments included) stays as it
was. The edited text is parsed again before it is saved, so a file this cannot edit safely
is left alone and the caller hears why.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from deskline.themes.said import N_, Said

_TABLE = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_THEME = re.compile(r"^(\s*theme\s*=\s*)(\"[^\"]*\"|'[^']*')(.*)$")


class SaveProblem(OSError):
    """The theme could not be written to the file."""


def with_theme(text: str, name: str) -> str:
    """``text`` with ``[ui] theme = name`` set, everything else unchanged."""
    value = json.dumps(name, ensure_ascii=False)
    lines = text.splitlines(keepends=True)
    ui_start: int | None = None
    for i, line in enumerate(lines):
        table = _TABLE.match(line)
        if table:
            if ui_start is not None:
                break  # the [ui] table ended without a theme
            if table.group(1) == "ui":
                ui_start = i
            continue
        found = _THEME.match(line.rstrip("\r\n")) if ui_start is not None else None
        if found:
            ending = line[len(line.rstrip("\r\n")) :]
            lines[i] = f"{found.group(1)}{value}{found.group(3)}{ending}"
            return "".join(lines)
    if ui_start is not None:  # [ui] without a theme: add it as the table's first key
        lines.insert(ui_start + 1, f"theme = {value}\n")
        return "".join(lines)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    gap = "\n" if lines else ""
    return "".join(lines) + f"{gap}[ui]\ntheme = {value}\n"


def save_theme(path: Path, name: str) -> None:
    """Write ``[ui] theme = name`` to ``path`` (created when missing); SaveProblem if it can't."""
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise SaveProblem(
            Said(N_("{path}: cannot read it: {error}"), path=path, error=exc)
        ) from None
    new = with_theme(text, name)
    try:
        before = tomllib.loads(text)
        after = tomllib.loads(new)
    except tomllib.TOMLDecodeError as exc:
        line = N_("{path}: not valid TOML, theme not saved: {error}")
        raise SaveProblem(Said(line, path=path, error=exc)) from None
    ui = after.get("ui")
    expected = dict(before)
    expected["ui"] = {**before.get("ui", {}), "theme": name}
    if not isinstance(ui, dict) or ui.get("theme") != name or after != expected:
        line = N_("{path}: cannot set [ui] theme here without changing more; not saved")
        raise SaveProblem(Said(line, path=path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(new, encoding="utf-8")
    except OSError as exc:
        raise SaveProblem(
            Said(N_("{path}: cannot write it: {error}"), path=path, error=exc)
        ) from None
