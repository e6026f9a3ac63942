"""A cell of an exported spreadsheet (CSV, XLSX) made safe to open, and read back exact.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return as a formula (``=HYPERLINK(...)`` in a customer's title), so the export writes such a
cell after a ``'``, the usual defence, and the import takes that ``'`` off again. A cell that
already starts with ``'`` before one of those gets one more, so every text comes back as it
was. XLSX cannot hold most control characters: they are written as the format's own escape
(``_x001B_``, a literal ``_x`` sequence with its ``_`` escaped as ``_x005F_``), which Excel
reads as the character and the import reads back.
"""

from __future__ import annotations

import re

_GUARDED = re.compile(r"'*[=+\-@\t\r]")  # what the export guards (one ' more)
_UNGUARDED = re.compile(r"'+[=+\-@\t\r]")  # what the import unguards (one ' less)
# What XLSX cannot hold, and the underscore of a text that would read as an escape.
_XLSX_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f]|_(?=x[0-9A-Fa-f]{4}_)")
_XLSX_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def guarded(text: str) -> str:
    """``text`` for a spreadsheet cell: after a ``'`` when a spreadsheet would run it."""
    return "'" + text if _GUARDED.match(text) else text


def unguarded(text: str) -> str:
    """A cell as ``guarded`` wrote it, back as it was (one ``'`` before a formula's start
    taken off; any other text as it is)."""
    return text[1:] if text[:1] == "'" and _UNGUARDED.match(text) else text


def xlsx_text(text: str) -> str:
    """``text`` as an XLSX cell holds it: control characters as ``_xHHHH_``."""
    return _XLSX_UNSAFE.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def xlsx_read(text: str) -> str:
    """An XLSX cell's text with its ``_xHHHH_`` escapes read (openpyxl leaves them)."""
    return _XLSX_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text
