"""Text from outside made inert: the one boundary between what customers, agents and mail
wrote and a terminal, a notification or a chat payload.

``visible`` is for what a person reads (tables, lines, the workspace, notifications): every
character a terminal would act on or hide is shown as an escape, ``\\x1b`` or ``\\u202e``, so
an ESC cannot clear the screen, set the title or write a hyperlink, a bidi override cannot
reorder a line and a zero-width character cannot hide in a name. Newline and tab stay.
``stripped`` is for payloads sent on (webhook, email): the same characters removed.

Markup is the other half: whoever renders text must pass it as plain text (Rich ``Text``,
Textual ``Content``), never parse it as markup. Pure and cheap to import (only ``re``).
"""

from __future__ import annotations

import re

# C0 but newline and tab, DEL, C1; the Arabic letter mark; zero-width spaces, joiners and
# marks; line and paragraph separators; bidi embeddings, overrides and isolates; word joiner
# and the invisible operators; the byte-order mark; lone surrogates (undecodable argv bytes).
_INERT = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with the characters a terminal would act on or hide shown as escapes."""
    return _INERT.sub(_escape, text) if _INERT.search(text) else text


def stripped(text: str) -> str:
    """``text`` without those characters (for payloads sent to chat or mail)."""
    return _INERT.sub("", text)


def one_line(text: str) -> str:
    """``visible`` on one line: newlines and tabs shown too (names, handles, messages)."""
    return visible(text).replace("\n", "\\n").replace("\t", "\\t")


def quoted(text: str, limit: int = 80) -> str:
    """``text`` for an error message: on one line, visible, cut to ``limit`` characters."""
    shown = one_line(text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def bad_characters(text: str) -> str | None:
    """The first character ``visible`` would escape (newline and tab included), as it
    would show, or None when the text has none."""
    found = _INERT.search(text) or re.search("[\n\t]", text)
    return None if found is None else one_line(found.group())
