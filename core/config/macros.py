"""The ``[[macro]]`` section of the desk's policy: canned replies and notes, read as strictly
as the other sections (an unknown key, an unknown placeholder or a bad value names the file
and the key path, in one line), and written back out for ``policy export``.

    [[macro]]
    name = "password-reset"
    kind = "reply"                      # or "note"
    text = "Hello {requester}, your password for {customer} is reset ({key})."
    status = "pending"                  # optional, like priority and tags
    tags = ["+password", "-new"]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from deskline.core.config.reader import Reader, named_entries, text
from deskline.core.config.toml_text import toml_value
from deskline.core.desk import fields, workflow
from deskline.core.desk.macros import KINDS, Macro, placeholders_of, tag_changes
from deskline.core.language import _

SECTION = "macro"
KEYS = ("name", "kind", "text", "status", "priority", "tags", "reason")


def _kind(value: Any) -> str:
    if value not in KINDS:
        raise ValueError(
            _("must be {kinds}, not {value}").format(
                kinds=_(" or ").join(repr(k) for k in KINDS), value=repr(value)
            )
        )
    return str(value)


def _body(value: Any) -> str:
    found = text(value)
    placeholders_of(found)
    return found


def _status(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(_("must be a status text, not {value}").format(value=repr(value)))
    return workflow.parse_status(value).value


def _tags(value: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    words = value if isinstance(value, list) else [value]
    if not words or not all(isinstance(w, str) for w in words):
        raise ValueError(
            _('must be tag changes like ["+billing", "-new"], not {value}').format(
                value=repr(value)
            )
        )
    return tag_changes(words)


def _macro(read: Reader, table: Mapping[str, Any], path: str) -> Macro:
    read.only(table, path, KEYS)
    for needed, example in (("name", '"password-reset"'), ("text", '"Hello {requester}, ..."')):
        if needed not in table:
            raise read.fail(
                path,
                _("needs a {key}, e.g. {key} = {example}").format(key=needed, example=example),
            )
    found: dict[str, Any] = {
        "name": read.get(table, "name", path, text),
        "text": read.get(table, "text", path, _body),
    }
    if "kind" in table:
        found["kind"] = read.get(table, "kind", path, _kind)
    if "status" in table:
        found["status"] = read.get(table, "status", path, _status)
    if "priority" in table:
        found["priority"] = read.get(table, "priority", path, fields.priority)
    if "tags" in table:
        found["add_tags"], found["remove_tags"] = read.get(table, "tags", path, _tags)
    if "reason" in table:
        found["reason"] = read.get(table, "reason", path, text)
    return Macro(**found)


def parse_macros(read: Reader, data: Mapping[str, Any]) -> tuple[Macro, ...]:
    return named_entries(read, data, SECTION, _macro)


def to_toml(macros: tuple[Macro, ...]) -> str:
    """The section as deskline.toml text ("" when the desk has no macro)."""
    lines: list[str] = []
    for macro in macros:
        lines += [
            f"[[{SECTION}]]",
            f"name = {toml_value(macro.name)}",
            f"kind = {toml_value(macro.kind)}",
            f"text = {toml_value(macro.text)}",
        ]
        for key in ("status", "priority", "reason"):
            if getattr(macro, key):
                lines.append(f"{key} = {toml_value(getattr(macro, key))}")
        if macro.tag_words:
            lines.append(f"tags = {toml_value(list(macro.tag_words))}")
        lines.append("")
    return "\n".join(lines)
