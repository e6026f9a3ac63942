"""``--help`` in the current language, laid out by terminal cells.

Every command's help, one-line help and parameter helps are marked ``N_()`` where they are
declared (the decorators, the ``Commands(help=...)`` of a group) and said with ``_()`` when
the help is formatted, so ``deskline --lang zh_CN new --help`` is Chinese. Click measures and
wraps by characters; a Chinese character takes two cells, so ``CellFormatter`` measures by
cells and breaks wide text between characters (never before a closing mark such as ``，``).
Text without wide characters goes through Click's own wrapping: English is unchanged.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import typer
from typer._click.formatting import HelpFormatter, wrap_text
from typer._click.utils import make_default_short_help

from deskline.core.language import N_, _

if TYPE_CHECKING:
    from typer._click import Context, Parameter

# Click's own words in a parameter's help, said in the current language.
REQUIRED = N_("required")
DEFAULT = N_("default: {default}")
ENV_VAR = N_("env var: {var}")

CLOSING = set("，。、；：！？）」』》】…")  # never the first on a line
OPENING = set("（「『《【")  # never the last on a line
WIDE = re.compile(r"[^\x00-\u10ff]")  # anything wider than Latin, Greek and Cyrillic may be


def cells(text: str) -> int:
    """The terminal cells ``text`` takes: two for a wide character, none for a combining one."""
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


def is_wide(text: str) -> bool:
    return WIDE.search(text) is not None and cells(text) != len(text)


def tokens(text: str) -> list[str]:
    """Words, spaces and single wide characters; a closing mark sticks to what it closes and
    an opening one to what it opens."""
    found: list[str] = []
    for piece in re.findall(r"\s+|[^\s]", text):
        glue = bool(found) and not found[-1].isspace()
        if piece in CLOSING and glue:
            found[-1] += piece
        elif glue and found[-1][-1] in OPENING:
            found[-1] += piece
        elif glue and cells(piece) == 1 and cells(found[-1][-1]) == 1 and not piece.isspace():
            found[-1] += piece  # a Latin word stays whole
        else:
            found.append(piece)
    return found


def fill(text: str, width: int, first: str = "", rest: str = "") -> str:
    """One paragraph wrapped to ``width`` cells, lines starting with ``first`` then ``rest``."""
    lines: list[str] = []
    line, used = first, cells(first)
    empty = True
    for token in tokens(text.replace("\n", " ").strip()):
        size = cells(token)
        if token.isspace():
            if not empty:
                line, used = line + token, used + size
            continue
        if not empty and used + size > width:
            lines.append(line.rstrip())
            line, used = rest, cells(rest)
        while used + size > width and size > 1 and len(token) > 1:  # longer than a line
            cut = 1
            while cells(token[: cut + 1]) + used <= width:
                cut += 1
            lines.append(line + token[:cut])
            token = token[cut:]
            line, used, size = rest, cells(rest), cells(token)
        line, used, empty = line + token, used + size, False
    lines.append(line.rstrip())
    return "\n".join(lines)


def wrap(text: str, width: int, first: str = "", rest: str = "", paragraphs: bool = False) -> str:
    """Click's ``wrap_text``, by cells when the text has wide characters."""
    if not is_wide(text + first + rest):
        return wrap_text(text, width, first, rest, preserve_paragraphs=paragraphs)
    parts = re.split(r"\n\s*\n", text) if paragraphs else [text]
    return "\n\n".join(fill(part, width, first, rest) for part in parts)


class CellFormatter(HelpFormatter):
    """Click's help formatter, measuring and wrapping by terminal cells."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        prefix = _("Usage: ") if prefix is None else prefix
        head = f"{' ' * max(self.current_indent - cells(prefix), 0)}{prefix}{prog} "
        text_width = self.width - self.current_indent
        if text_width >= cells(head) + 20:
            self.write(wrap(args, text_width, head, " " * cells(head)))
        else:
            indent = " " * (max(self.current_indent, cells(prefix)) + 4)
            self.write(head + "\n" + wrap(args, text_width, indent, indent))
        self.write("\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        self.write(wrap(text, self.width, indent, indent, paragraphs=True) + "\n")

    def write_dl(
        self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        rows = list(rows)
        if not rows:
            return
        first_col = min(max(cells(first) for first, _second in rows), col_max) + col_spacing
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if cells(first) <= first_col - col_spacing:
                self.write(" " * (first_col - cells(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            text_width = max(self.width - first_col - 2, 10)
            lines = wrap(second, text_width, paragraphs=True).splitlines() or [""]
            self.write(f"{lines[0]}\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n" if line else "\n")


class HelpContext(typer.Context):
    """A context whose help is laid out by cells."""

    formatter_class = CellFormatter


def said(text: str | None) -> str:
    """A help text in the current language (Typer hands it over as ``inspect.cleandoc``)."""
    return _(text) if text else ""


def short(text: str, limit: int) -> str:
    """The one-line help: Click's for English; for wide text its first sentence, cut to
    ``limit`` cells."""
    if not is_wide(text):
        return make_default_short_help(text, limit)
    first = " ".join(text.split("\n\n")[0].split())
    sentence = re.match(r".*?(?:。|\.(?=\s|$))", first)
    first = sentence.group(0) if sentence else first
    if cells(first) <= limit:
        return first
    cut = ""
    for char in first:
        if cells(cut + char) > limit - 3:
            break
        cut += char
    return cut.rstrip() + "..."


def extra(piece: str) -> str:
    """One of Click's notes after a parameter's help (``required``, ``default: 50``)."""
    if piece == "required":
        return _(REQUIRED)
    for english, marked in (("default: ", DEFAULT), ("env var: ", ENV_VAR)):
        if piece.startswith(english):
            value = piece[len(english) :]
            return _(marked).format(default=value, var=value)
    return piece


def record(param: Parameter, ctx: Context) -> tuple[str, str] | None:
    """A parameter's line of ``--help``: its names, its help in the current language, then
    Click's notes (``[required]``, ``[default: 50]``) said in it too."""
    shown = copy.copy(param)
    shown.help = said(param.help) or None
    found = shown.get_help_record(ctx)
    if found is None:
        return None
    names, text = found
    head = shown.help or ""
    notes = text[len(head) :].strip()
    if text.startswith(head) and notes.startswith("[") and notes.endswith("]"):
        notes = "[" + "; ".join(extra(p) for p in notes[1:-1].split("; ")) + "]"
        text = f"{head}  {notes}" if head else notes
    return names, text


class TranslatedHelp:
    """What a command or a group says on ``--help``, in the current language: the usage
    prefix, its help, its one-line help and its parameters' helps."""

    context_class = HelpContext

    def format_usage(self: Any, ctx: Context, formatter: HelpFormatter) -> None:
        pieces = self.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=_("Usage: "))

    def format_help_text(self: Any, ctx: Context, formatter: HelpFormatter) -> None:
        text = said(self.help).partition("\f")[0]
        if text:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(text)

    def get_short_help_str(self: Any, limit: int = 45) -> str:
        if self.short_help:
            return said(self.short_help).strip()
        return short(said(self.help), limit).strip()

    def parameter_rows(self: Any, ctx: Context) -> tuple[list[tuple[str, str]], ...]:
        """The arguments' and the options' lines, each argument named by its metavar."""
        arguments: list[tuple[str, str]] = []
        options: list[tuple[str, str]] = []
        for param in self.get_params(ctx):
            row = record(param, ctx)
            if row is None:
                continue
            if param.param_type_name == "argument":
                arguments.append((param.metavar or row[0], row[1]))
            else:
                options.append(row)
        return arguments, options

    def format_parameters(self: Any, ctx: Context, formatter: HelpFormatter) -> None:
        arguments, options = self.parameter_rows(ctx)
        for title, rows in ((_("Arguments"), arguments), (_("Options"), options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


def padded(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` terminal cells (``f"{text:<20}"`` by cells)."""
    return text + " " * max(width - cells(text), 0)
